package dev.ssegateway.gateway.examples;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Mints the HS256 tokens an app's backend would give its users, with nothing but the JDK. */
final class Hs256 {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Hs256() {}

  /** A token for {@code sub} granting subscription to {@code subscribe}, valid for {@code seconds}. */
  static String token(String secret, String sub, long seconds, List<String> subscribe) {
    long now = System.currentTimeMillis() / 1000;
    JsonObject claims = new JsonObject().put("sub", sub).put("iat", now).put("exp", now + seconds)
        .put("sse", new JsonObject().put("subscribe", new JsonArray(subscribe)));
    String input = part(new JsonObject().put("alg", "HS256").put("typ", "JWT")) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }
}

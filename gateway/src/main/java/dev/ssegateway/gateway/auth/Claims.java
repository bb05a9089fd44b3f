package dev.ssegateway.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads grants from a verified token's claims. The shape (documented in the README):
 * <pre>{"sub": "alice", "exp": 1767225600,
 *  "sse": {"subscribe": ["orders/*", "user.alice"], "publish": ["orders/*"]}}</pre>
 */
public final class Claims {
  public static final String CLAIM = "sse";

  private Claims() {}

  public static Principal toPrincipal(JsonObject claims) {
    JsonObject sse = claims.getValue(CLAIM) instanceof JsonObject o ? o : new JsonObject();
    long exp = claims.getValue("exp") instanceof Number n ? n.longValue() * 1000 : 0;
    String sub = claims.getValue("sub") instanceof String s ? s : null;
    return new Principal(sub, patterns(sse.getValue("subscribe")), patterns(sse.getValue("publish")), exp);
  }

  /**
   * What is wrong with the token's time claims, or null: {@code exp}, {@code nbf} and
   * {@code iat} must be numbers (NumericDate) when present. A string, null or object is refused
   * rather than read as "no expiry".
   */
  public static String timeClaimProblem(JsonObject claims) {
    for (String name : List.of("exp", "nbf", "iat")) {
      if (claims.containsKey(name) && !(claims.getValue(name) instanceof Number)) {
        return "the " + name + " claim must be a number of seconds";
      }
    }
    return null;
  }

  private static List<TopicPattern> patterns(Object value) {
    List<String> texts = new ArrayList<>();
    if (value instanceof JsonArray array) {
      for (Object o : array) {
        if (o instanceof String s && !s.isEmpty()) {
          texts.add(s);
        }
      }
    } else if (value instanceof String s && !s.isEmpty()) {
      texts.add(s);
    }
    return TopicPattern.all(texts);
  }
}

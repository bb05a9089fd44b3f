package dev.ssegateway.gateway.security;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes JWTs for tests with nothing but the JDK, independently of the gateway's verifier
 * (vertx-auth-jwt): HS256 with an HMAC, RS256 with {@code SHA256withRSA}, ES256 with
 * {@code SHA256withECDSAinP1363Format}, whose output is the raw {@code R||S} that JWS wants
 * (plain {@code SHA256withECDSA} gives DER, which a JWS verifier must reject).
 */
public final class Tokens {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Tokens() {}

  /** The gateway's claim shape: {@code {"sub","exp","sse":{"subscribe":[...],"publish":[...]}}}. */
  public static JsonObject claims(String sub, long expiresInSeconds, List<String> subscribe, List<String> publish) {
    return new JsonObject()
        .put("sub", sub)
        .put("iat", now())
        .put("exp", now() + expiresInSeconds)
        .put("sse", new JsonObject()
            .put("subscribe", new JsonArray(subscribe))
            .put("publish", new JsonArray(publish)));
  }

  static long now() {
    return System.currentTimeMillis() / 1000;
  }

  public static String hs256(String secret, JsonObject claims) {
    try {
      String input = signingInput(new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + B64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static String rs256(PrivateKey key, String kid, JsonObject claims) {
    return signed("RS256", "SHA256withRSA", key, kid, claims);
  }

  static String es256(PrivateKey key, String kid, JsonObject claims) {
    return signed("ES256", "SHA256withECDSAinP1363Format", key, kid, claims);
  }

  /** An ES256 token whose signature is DER-encoded: what a careless signer produces. */
  static String es256Der(PrivateKey key, JsonObject claims) {
    return signed("ES256", "SHA256withECDSA", key, null, claims);
  }

  /** {@code alg: none}: no signature at all. */
  static String unsigned(JsonObject claims) {
    return signingInput(new JsonObject().put("alg", "none").put("typ", "JWT"), claims) + ".";
  }

  private static String signed(String alg, String jca, PrivateKey key, String kid, JsonObject claims) {
    try {
      JsonObject header = new JsonObject().put("alg", alg).put("typ", "JWT");
      if (kid != null) {
        header.put("kid", kid);
      }
      String input = signingInput(header, claims);
      Signature s = Signature.getInstance(jca);
      s.initSign(key);
      s.update(input.getBytes(StandardCharsets.US_ASCII));
      return input + "." + B64.encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signingInput(JsonObject header, JsonObject claims) {
    return B64.encodeToString(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
        + B64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
  }

  static KeyPair rsa() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static KeyPair ec() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the public key as a PEM file ({@code BEGIN PUBLIC KEY}, X.509 SubjectPublicKeyInfo). */
  static Path pemFile(PublicKey key, Path dir) {
    try {
      String pem = "-----BEGIN PUBLIC KEY-----\n"
          + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
          + "\n-----END PUBLIC KEY-----\n";
      Path file = Files.createTempFile(dir, "jwt-public", ".pem");
      Files.writeString(file, pem);
      return file;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An RSA public key as a JWK for RS256 signatures. */
  static JsonObject rsaJwk(RSAPublicKey key, String kid) {
    return new JsonObject()
        .put("kty", "RSA")
        .put("kid", kid)
        .put("use", "sig")
        .put("alg", "RS256")
        .put("n", B64.encodeToString(unsigned(key.getModulus())))
        .put("e", B64.encodeToString(unsigned(key.getPublicExponent())));
  }

  private static byte[] unsigned(BigInteger n) {
    byte[] bytes = n.toByteArray();
    return bytes[0] == 0 ? java.util.Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
  }
}

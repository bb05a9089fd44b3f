package dev.ssegateway.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** Checks the static bearer key for publishing, in constant time. */
final class PublishKey {
  private final byte[] key;

  PublishKey(String key) {
    this.key = key.getBytes(StandardCharsets.UTF_8);
  }

  /** Null when the header carries this key; otherwise the error code to answer with. */
  String check(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "missing_credentials";
    }
    if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return "invalid_credentials";
    }
    byte[] given = authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, key) ? null : "invalid_credentials";
  }
}

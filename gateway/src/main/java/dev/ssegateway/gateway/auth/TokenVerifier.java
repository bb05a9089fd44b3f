package dev.ssegateway.gateway.auth;

import io.vertx.core.Future;

/** Checks a token's signature and time claims, and reads its grants. */
public interface TokenVerifier {
  /** Fails with a message fit for the client when the token is invalid or expired. */
  Future<Principal> verify(String token);
}

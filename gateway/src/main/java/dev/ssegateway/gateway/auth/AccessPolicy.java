package dev.ssegateway.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may subscribe to what. Without a token verifier (dev mode) everyone may subscribe to
 * everything. With one, every requested topic must be public or granted by the token:
 * no token (or an invalid one) → 401, a token that does not cover a topic → 403. A request for
 * public topics only never fails on its token: an invalid one is ignored.
 */
public final class AccessPolicy {
  private final TokenVerifier verifier;
  private final TokenSource tokens;
  private final List<TopicPattern> publicTopics;

  /** @param verifier null when tokens are not configured */
  public AccessPolicy(TokenVerifier verifier, TokenSource tokens, List<TopicPattern> publicTopics) {
    this.verifier = verifier;
    this.tokens = tokens;
    this.publicTopics = publicTopics;
  }

  public boolean tokensEnabled() {
    return verifier != null;
  }

  public Future<Principal> authorizeSubscribe(HttpServerRequest request, String[] topics) {
    if (verifier == null) {
      return Future.succeededFuture(Principal.ANONYMOUS);
    }
    String token = tokens.find(request);
    List<String> needGrant = new ArrayList<>();
    for (String t : topics) {
      if (!TopicPattern.anyMatches(publicTopics, t)) {
        needGrant.add(t);
      }
    }
    if (token == null) {
      return needGrant.isEmpty()
          ? Future.succeededFuture(Principal.ANONYMOUS)
          : Future.failedFuture(new AccessDenied(401, "missing_token",
              "Topics " + needGrant + " need a token (Authorization: Bearer, cookie, or access_token)"));
    }
    if (needGrant.isEmpty()) {
      // Only public topics: a valid token still names the user (per-user limits, expiry), but a
      // stale one (an expired cookie, say) must not lock the client out of what anyone may read.
      return verify(token).otherwise(Principal.ANONYMOUS);
    }
    return verify(token).compose(p -> {
      List<String> denied = needGrant.stream().filter(t -> !p.maySubscribe(t)).toList();
      return denied.isEmpty()
          ? Future.succeededFuture(p)
          : Future.failedFuture(new AccessDenied(403, "forbidden_topic",
              "The token does not grant subscribing to " + denied));
    });
  }

  /** Verifies a publisher's token (the caller checks its publish grant per topic). */
  public Future<Principal> verify(String token) {
    if (verifier == null) {
      return Future.failedFuture(new AccessDenied(403, "invalid_credentials", "The publish key is not valid"));
    }
    return verifier.verify(token).recover(e -> Future.failedFuture(
        new AccessDenied(401, "invalid_token", e.getMessage() == null ? "The token is not valid" : e.getMessage())));
  }
}

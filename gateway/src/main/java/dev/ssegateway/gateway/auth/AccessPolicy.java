package dev.ssegateway.gateway.auth;

import dev.ssegateway.gateway.auth.hook.AuthHook;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Who may subscribe to what. With neither a token verifier nor an auth hook (dev mode) everyone may
 * subscribe to everything. Otherwise every requested topic must be public or granted:
 *
 * <ol>
 *   <li>only public topics: allowed; a valid token still names the user, an invalid one is
 *       ignored, and the auth hook is not called (public topics stay readable while it is down);
 *   <li>a valid JWT decides: its grants must cover the topics (else 403);
 *   <li>no token, or one that fails verification: the auth hook decides when configured (its
 *       {@code sub} and topic grants, 403 when they fall short); without a hook, 401.
 * </ol>
 *
 * <p>JWT first because it costs no network call and does not depend on the backend being up:
 * services and apps that hold tokens keep working through a backend outage, and browsers of a
 * cookie-session app carry no token, so the hook sees them all. A token that fails verification
 * falls through to the hook rather than ending in 401: a stale token cookie must not lock out a
 * browser whose session cookie is good.
 */
public final class AccessPolicy {
  private final TokenVerifier verifier;
  private final TokenSource tokens;
  private final List<TopicPattern> publicTopics;
  private final AuthHook hook;

  /** @param verifier null when tokens are not configured */
  public AccessPolicy(TokenVerifier verifier, TokenSource tokens, List<TopicPattern> publicTopics) {
    this(verifier, tokens, publicTopics, null);
  }

  /**
   * @param verifier null when tokens are not configured
   * @param hook null when no auth hook is configured
   */
  public AccessPolicy(TokenVerifier verifier, TokenSource tokens, List<TopicPattern> publicTopics, AuthHook hook) {
    this.verifier = verifier;
    this.tokens = tokens;
    this.publicTopics = publicTopics;
    this.hook = hook;
  }

  public boolean tokensEnabled() {
    return verifier != null;
  }

  public Future<Principal> authorizeSubscribe(HttpServerRequest request, String[] topics) {
    if (verifier == null && hook == null) {
      return Future.succeededFuture(Principal.ANONYMOUS);
    }
    String token = verifier == null ? null : tokens.find(request);
    List<String> needGrant = new ArrayList<>();
    for (String t : topics) {
      if (!TopicPattern.anyMatches(publicTopics, t)) {
        needGrant.add(t);
      }
    }
    if (needGrant.isEmpty()) {
      // Only public topics: a valid token still names the user (per-user limits, expiry), but a
      // stale one (an expired cookie, say) must not lock the client out of what anyone may read.
      return token == null ? Future.succeededFuture(Principal.ANONYMOUS) : verify(token).otherwise(Principal.ANONYMOUS);
    }
    if (hook != null) {
      Future<Principal> byToken = token == null ? Future.failedFuture("no token") : verifier.verify(token);
      return byToken.transform(ar -> ar.succeeded()
          ? granted(ar.result(), needGrant, "The token does not grant subscribing to ")
          : hook.authorize(request, topics).compose(p ->
              granted(p, needGrant, "The application's backend does not grant subscribing to ")));
    }
    if (token == null) {
      return Future.failedFuture(new AccessDenied(401, "missing_token",
          "Topics " + needGrant + " need a token (Authorization: Bearer, cookie, or access_token)"));
    }
    return verify(token).compose(p -> granted(p, needGrant, "The token does not grant subscribing to "));
  }

  private static Future<Principal> granted(Principal p, List<String> needGrant, String refusal) {
    List<String> denied = needGrant.stream().filter(t -> !p.maySubscribe(t)).toList();
    return denied.isEmpty()
        ? Future.succeededFuture(p)
        : Future.failedFuture(new AccessDenied(403, "forbidden_topic", refusal + denied));
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

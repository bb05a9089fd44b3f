package dev.ssegateway.gateway.auth.hook;

import dev.ssegateway.gateway.auth.Principal;

/**
 * What the auth backend decided for one request.
 *
 * @param principal who the subscriber is and what it may read, or null when denied
 * @param denyStatus 401 or 403 when denied (0 when allowed)
 * @param cacheMs how long the same request may reuse this decision (0: not at all)
 */
public record HookDecision(Principal principal, int denyStatus, long cacheMs) {
  public static HookDecision allow(Principal principal, long cacheMs) {
    return new HookDecision(principal, 0, cacheMs);
  }

  public static HookDecision deny(int status, long cacheMs) {
    return new HookDecision(null, status, cacheMs);
  }

  public boolean allowed() {
    return principal != null;
  }
}

package dev.ssegateway.gateway.hub;

/**
 * Names of the events the gateway itself sends in-band. Publishers cannot use the {@code sse-}
 * prefix, so these never collide with application events. Documented in the README.
 */
public final class ControlEvents {
  /** History no longer reaches back to the client's id: some events are lost. Data: JSON. */
  public static final String HISTORY_LOST = "sse-history-lost";
  /** The token that opened the stream has expired: reconnect with a fresh one. */
  public static final String TOKEN_EXPIRED = "sse-token-expired";
  /** A connection joined or left one of the stream's topics (asked with {@code ?presence=1}). Data: JSON. */
  public static final String PRESENCE = "sse-presence";

  private ControlEvents() {}
}

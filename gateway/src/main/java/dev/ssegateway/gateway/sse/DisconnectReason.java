package dev.ssegateway.gateway.sse;

/**
 * Why a stream ended. Every disconnect has one; it is counted in metrics (tag {@code reason}) and
 * logged, so operators can tell which connections are dropped and why.
 */
public enum DisconnectReason {
  /** The client went away (closed the tab, network error). */
  CLIENT_CLOSED("client_closed"),
  /** The client did not read fast enough and its queue filled: it can reconnect and resume. */
  SLOW_CONSUMER("slow_consumer"),
  /** Every topic of the stream received a close event. */
  TOPIC_CLOSED("topic_closed"),
  /** Writing to the socket failed (half-open connection found by a heartbeat). */
  WRITE_FAILED("write_failed"),
  /** The node is shutting down and spreads its clients over the others. */
  DRAINING("draining"),
  /** The token that opened the stream expired. */
  TOKEN_EXPIRED("token_expired"),
  /** The broker did not answer in time to fix where the stream starts: refused with 503. */
  BROKER_UNAVAILABLE("broker_unavailable");

  private final String tag;

  DisconnectReason(String tag) {
    this.tag = tag;
  }

  public String tag() {
    return tag;
  }
}

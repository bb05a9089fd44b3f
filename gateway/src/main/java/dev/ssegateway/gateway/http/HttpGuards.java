package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.limits.PublishRateLimiter;
import dev.ssegateway.gateway.metrics.GatewayMetrics;

/**
 * The HTTP-layer limits one node shares across its event loops: connections that are not
 * streams, bytes buffered for request bodies, and failed publish authentications per address.
 */
public final class HttpGuards {
  /** Failed authentications an address may make at once, as a multiple of the rate per second. */
  static final int AUTH_FAILURE_BURST_SECONDS = 4;

  final PendingConnections pending;
  final BodyBudget bodies;
  final PublishRateLimiter authFailures;

  private HttpGuards(PendingConnections pending, BodyBudget bodies, PublishRateLimiter authFailures) {
    this.pending = pending;
    this.bodies = bodies;
    this.authFailures = authFailures;
  }

  public static HttpGuards create(GatewayConfig config, GatewayMetrics metrics) {
    int rate = config.intValue(Setting.AUTH_FAILURE_RATE);
    HttpGuards guards = new HttpGuards(
        new PendingConnections(config.intValue(Setting.MAX_PENDING_REQUESTS), () -> metrics.refused("too_many_pending")),
        new BodyBudget(config.longValue(Setting.MAX_BUFFERED_BYTES)),
        new PublishRateLimiter(rate, rate * AUTH_FAILURE_BURST_SECONDS));
    metrics.gauge("sse.http.pending", "HTTP connections that are not event streams (sending, in flight, idle keep-alive)",
        guards.pending::size);
    metrics.gauge("sse.http.buffered.bytes", "Request body bytes reserved by publishes in flight", guards.bodies::reserved);
    return guards;
  }
}

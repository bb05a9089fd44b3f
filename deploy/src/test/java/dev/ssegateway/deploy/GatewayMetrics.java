package dev.ssegateway.deploy;

import java.util.Set;

/**
 * The gateway metric names the chart (HPA custom metric) and the Grafana dashboard rely on, as
 * they appear in /metrics (Prometheus format). LocalClusterTest checks them against a running node.
 */
final class GatewayMetrics {
  private GatewayMetrics() {}

  /** Open SSE connections on one node (gauge). */
  static final String CONNECTIONS = "sse_connections";

  /** Every gateway metric the dashboard shows. */
  static final Set<String> ALL = Set.of(
      CONNECTIONS,
      "sse_connections_opened_total",
      "sse_disconnects_total",
      "sse_events_published_total",
      "sse_events_received_total",
      "sse_events_delivered_total",
      "sse_events_replayed_total",
      "sse_events_repaired_total",
      "sse_history_lost_total",
      "sse_publish_failures_total",
      "sse_slow_client_disconnects_total",
      "sse_redis_reconnects_total",
      "sse_cluster_members");
}

package dev.ssegateway.gateway.metrics;

import dev.ssegateway.gateway.sse.DisconnectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The node's metrics, exposed as Prometheus text on {@code GET /metrics}. Names are part of the
 * operator contract (the Helm chart's dashboard and alerts use them): see the README.
 */
public final class GatewayMetrics {
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger connections = new AtomicInteger();
  private final Counter connectionsOpened;
  private final Counter published;
  private final Counter publishFailed;
  private final Counter received;
  private final Counter delivered;
  private final Counter replayed;
  private final Counter repaired;
  private final Counter historyLost;
  private final Counter duplicatesDropped;
  private final Counter invalidDropped;
  private final Counter slowClients;
  private final Counter redisReconnects;
  private final Map<DisconnectReason, Counter> disconnects = new EnumMap<>(DisconnectReason.class);

  public GatewayMetrics(String nodeId) {
    registry.config().commonTags("node", nodeId);
    Gauge.builder("sse.connections", connections, AtomicInteger::get)
        .description("Open SSE connections on this node").register(registry);
    connectionsOpened = counter("sse.connections.opened", "SSE connections accepted");
    published = counter("sse.events.published", "Events accepted by POST /publish on this node");
    publishFailed = counter("sse.publish.failures", "Publishes that failed because the broker was unavailable");
    received = counter("sse.events.received", "Events this node received from the broker");
    delivered = counter("sse.events.delivered", "Events written to client connections");
    replayed = counter("sse.events.replayed", "Events replayed from history on resume");
    repaired = counter("sse.events.repaired", "Events recovered from history after a broker reconnect");
    historyLost = counter("sse.history.lost", "Resumes where history no longer covered the client's id");
    duplicatesDropped = counter("sse.events.duplicates.dropped", "Broker messages dropped as already delivered");
    invalidDropped = counter("sse.events.invalid.dropped", "Malformed messages found in the broker and not delivered");
    slowClients = counter("sse.slow.client.disconnects", "Clients disconnected because their queue filled");
    redisReconnects = counter("sse.redis.reconnects", "Reconnects of the Redis subscriber connection");
    for (DisconnectReason r : DisconnectReason.values()) {
      disconnects.put(r, Counter.builder("sse.disconnects").tag("reason", r.tag())
          .description("Ended SSE connections by reason").register(registry));
    }
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** Registers a gauge whose value is read on scrape. */
  public void gauge(String name, String description, Supplier<Number> value) {
    Gauge.builder(name, value).description(description).register(registry);
  }

  /** For parts that register meters of their own (the auth hook's). */
  public io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  public String scrape() {
    return registry.scrape();
  }

  public void connectionOpened() {
    connections.incrementAndGet();
    connectionsOpened.increment();
  }

  public void connectionClosed() {
    connections.decrementAndGet();
  }

  public int connections() {
    return connections.get();
  }

  public void disconnected(DisconnectReason reason) {
    disconnects.get(reason).increment();
    if (reason == DisconnectReason.SLOW_CONSUMER) {
      slowClients.increment();
    }
  }

  public void published() {
    published.increment();
  }

  public void publishFailed() {
    publishFailed.increment();
  }

  public void eventReceived() {
    received.increment();
  }

  public void eventsDelivered(int count) {
    delivered.increment(count);
  }

  public void eventReplayed() {
    replayed.increment();
  }

  public void eventRepaired() {
    repaired.increment();
  }

  public void historyLost() {
    historyLost.increment();
  }

  public void duplicateDropped() {
    duplicatesDropped.increment();
  }

  public void invalidMessageDropped() {
    invalidDropped.increment();
  }

  public void redisReconnected() {
    redisReconnects.increment();
  }

  /** A request refused by a limit or by access rules, tagged with the error code. */
  public void refused(String code) {
    registry.counter("sse.requests.refused", "reason", code).increment();
  }

  public double count(String name) {
    Counter c = registry.find(name).counter();
    return c == null ? 0 : c.count();
  }
}

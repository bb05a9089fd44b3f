package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.sse.EncodedEvent;
import dev.ssegateway.gateway.sse.SseConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The connections of one event loop, by topic. Only that loop touches it, so delivery needs no
 * locks: the hub hands each event over once per loop, and the loop writes the same encoded bytes
 * to each of its connections. One heartbeat timer per loop, not per connection, keeps idle
 * streams alive and finds dead peers (a write to a half-open socket eventually fails).
 */
public final class LoopHub {
  private static final SseConnection[] NONE = new SseConnection[0];

  private final Context context;
  private final Hub hub;
  private final GatewayMetrics metrics;
  private final Map<String, List<SseConnection>> byTopic = new HashMap<>();
  private final Set<SseConnection> connections = new LinkedHashSet<>();
  private volatile int connectionCount;
  private long heartbeatTimer = -1;

  public LoopHub(Context context, Hub hub, GatewayMetrics metrics) {
    this.context = context;
    this.hub = hub;
    this.metrics = metrics;
  }

  public Context context() {
    return context;
  }

  public void startHeartbeat(long intervalMs) {
    heartbeatTimer = context.owner().setPeriodic(intervalMs, id -> {
      for (SseConnection c : connections.toArray(NONE)) {
        c.heartbeat();
      }
    });
  }

  public void stopHeartbeat() {
    if (heartbeatTimer >= 0) {
      context.owner().cancelTimer(heartbeatTimer);
    }
  }

  public int connectionCount() {
    return connectionCount;
  }

  /** Every connection of this loop, for draining. Call on this loop's context. */
  public List<SseConnection> connections() {
    return new ArrayList<>(connections);
  }

  /** Registers a connection for its topics; completes when the hub delivers them all live. */
  public Future<Void> add(SseConnection connection, String[] topics) {
    connections.add(connection);
    connectionCount = connections.size();
    metrics.connectionOpened();
    List<Future<Void>> attached = new ArrayList<>(topics.length);
    for (String topic : topics) {
      byTopic.computeIfAbsent(topic, t -> new ArrayList<>(4)).add(connection);
      attached.add(hub.attach(this, topic));
    }
    return Future.all(attached).mapEmpty();
  }

  /** Stops delivering one topic to a connection (its stream for that topic has ended). */
  public void removeTopic(SseConnection connection, String topic) {
    List<SseConnection> subs = byTopic.get(topic);
    if (subs != null && subs.remove(connection)) {
      if (subs.isEmpty()) {
        byTopic.remove(topic);
      }
      hub.detach(this, topic);
    }
  }

  public void remove(SseConnection connection, String[] activeTopics) {
    if (!connections.remove(connection)) {
      return;
    }
    connectionCount = connections.size();
    metrics.connectionClosed();
    for (String topic : activeTopics) {
      removeTopic(connection, topic);
    }
  }

  /** Called by the hub (on its own context): hands one encoded event to this loop. */
  void dispatch(String topic, EncodedEvent event) {
    context.runOnContext(v -> deliver(topic, event));
  }

  private void deliver(String topic, EncodedEvent event) {
    List<SseConnection> subs = byTopic.get(topic);
    if (subs == null) {
      return;
    }
    // A copy, because a delivery can end a connection (slow consumer, close event).
    SseConnection[] targets = subs.toArray(NONE);
    for (SseConnection c : targets) {
      c.offer(topic, event);
    }
    metrics.eventsDelivered(targets.length);
  }
}

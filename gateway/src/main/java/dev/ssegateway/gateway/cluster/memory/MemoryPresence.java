package dev.ssegateway.gateway.cluster.memory;

import dev.ssegateway.gateway.cluster.Presence;
import dev.ssegateway.gateway.cluster.PresenceEvent;
import dev.ssegateway.gateway.cluster.PresenceSlice;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Presence inside one process: the shares of one node (or of several nodes sharing this object,
 * as a test may), without Hazelcast. Events reach the receivers at once, on the caller's thread.
 */
public final class MemoryPresence implements Presence {
  private final String node;
  private final Map<String, Map<String, PresenceSlice>> shares = new ConcurrentHashMap<>();
  private final List<Consumer<List<PresenceEvent>>> receivers = new CopyOnWriteArrayList<>();

  public MemoryPresence(String node) {
    this.node = node;
  }

  @Override
  public void write(Map<String, PresenceSlice> slices) {
    slices.forEach((topic, slice) -> shares.compute(topic, (t, byNode) -> {
      Map<String, PresenceSlice> m = byNode == null ? new ConcurrentHashMap<>() : byNode;
      if (slice == null) {
        m.remove(node);
      } else {
        m.put(node, slice);
      }
      return m.isEmpty() ? null : m;
    }));
  }

  @Override
  public void announce(List<PresenceEvent> events) {
    receivers.forEach(r -> r.accept(events));
  }

  @Override
  public void onEvents(Consumer<List<PresenceEvent>> receiver) {
    receivers.add(receiver);
  }

  @Override
  public Future<List<PresenceSlice>> slices(String topic) {
    Map<String, PresenceSlice> byNode = shares.get(topic);
    return Future.succeededFuture(byNode == null ? List.of() : new ArrayList<>(byNode.values()));
  }
}

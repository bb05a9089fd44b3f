package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.cluster.PresenceEvent;
import dev.ssegateway.gateway.sse.SseConnection;
import dev.ssegateway.gateway.sse.SseEncoder;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The streams of this node that asked for join/leave events ({@code ?presence=1}), by topic and
 * event loop. Each event is encoded once and handed to each loop in one task, whatever the number
 * of listening streams there; a loop's set is only read and changed on that loop.
 */
public final class PresenceFeed {
  private final Map<String, Map<Context, Set<SseConnection>>> listeners = new ConcurrentHashMap<>();

  /** Called on {@code loop}. */
  public void listen(String[] topics, SseConnection connection, Context loop) {
    for (String t : topics) {
      listeners.compute(t, (k, byLoop) -> {
        Map<Context, Set<SseConnection>> m = byLoop == null ? new ConcurrentHashMap<>() : byLoop;
        m.computeIfAbsent(loop, c -> new HashSet<>()).add(connection);
        return m;
      });
    }
  }

  /** Called on {@code loop}. */
  public void unlisten(String[] topics, SseConnection connection, Context loop) {
    for (String t : topics) {
      listeners.computeIfPresent(t, (k, byLoop) -> {
        Set<SseConnection> set = byLoop.get(loop);
        if (set != null && set.remove(connection) && set.isEmpty()) {
          byLoop.remove(loop);
        }
        return byLoop.isEmpty() ? null : byLoop;
      });
    }
  }

  /** Hands events to the listening streams; any thread. */
  public void deliver(List<PresenceEvent> events) {
    Map<String, List<Buffer>> byTopic = new LinkedHashMap<>();
    for (PresenceEvent e : events) {
      if (listeners.containsKey(e.topic())) {
        byTopic.computeIfAbsent(e.topic(), t -> new ArrayList<>())
            .add(SseEncoder.control(ControlEvents.PRESENCE, e.toJson().encode()));
      }
    }
    byTopic.forEach((topic, buffers) -> {
      Map<Context, Set<SseConnection>> byLoop = listeners.get(topic);
      if (byLoop == null) {
        return;
      }
      for (Context loop : byLoop.keySet()) {
        loop.runOnContext(v -> {
          Map<Context, Set<SseConnection>> now = listeners.get(topic); // fresh: the topic may have been re-added
          Set<SseConnection> set = now == null ? null : now.get(loop);
          if (set == null) {
            return;
          }
          // A write may end a slow stream, which unlistens it: iterate over a copy.
          for (SseConnection c : set.toArray(new SseConnection[0])) {
            buffers.forEach(c::sendGatewayEvent);
          }
        });
      }
    });
  }
}

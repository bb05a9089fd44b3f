package dev.ssegateway.gateway.cluster;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Who is connected to which topic, cluster-wide. Each node owns its share of a topic (a
 * {@link PresenceSlice}) and replaces it as its connections come and go; a reader merges the
 * shares of the live nodes. A node that dies takes its shares with it: they are ignored as soon
 * as it leaves the member list and removed by the survivors. Join/leave events go to every node.
 *
 * <p>Every method returns at once: nothing here may block an event loop.
 */
public interface Presence {

  /** Replaces this node's share of each topic; a null slice removes it. In the background. */
  void write(Map<String, PresenceSlice> slices);

  /** Sends join/leave events to every node (this one included). In the background. */
  void announce(List<PresenceEvent> events);

  /** Where events from every node go; called on a thread that is not an event loop. */
  void onEvents(Consumer<List<PresenceEvent>> receiver);

  /** The shares of {@code topic} held by live nodes. */
  Future<List<PresenceSlice>> slices(String topic);
}

package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.WireMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's view of one topic: which event loops have subscribers, how many, and the last event
 * delivered (to drop duplicates and to know where to repair from after a broker reconnect).
 * Touched only on the hub's context.
 */
final class TopicFanout {
  final String topic;
  private final Map<LoopHub, Integer> perLoop = new LinkedHashMap<>();
  private LoopHub[] loops = new LoopHub[0];
  int connections;
  boolean subscribed;
  boolean subscribing;
  EventId lastDelivered;
  boolean repairing;
  /** The broker reconnected again while a repair or the first subscription was under way. */
  boolean repairAgain;
  final List<WireMessage> heldDuringRepair = new ArrayList<>();

  TopicFanout(String topic) {
    this.topic = topic;
  }

  void add(LoopHub loop) {
    connections++;
    if (perLoop.merge(loop, 1, Integer::sum) == 1) {
      loops = perLoop.keySet().toArray(new LoopHub[0]);
    }
  }

  void remove(LoopHub loop) {
    Integer left = perLoop.computeIfPresent(loop, (l, n) -> n > 1 ? n - 1 : null);
    connections--;
    if (left == null) {
      loops = perLoop.keySet().toArray(new LoopHub[0]);
    }
  }

  /** The loops with at least one subscriber: each gets the encoded event once. */
  LoopHub[] loops() {
    return loops;
  }

  void advance(EventId id) {
    if (lastDelivered == null || id.isAfter(lastDelivered)) {
      lastDelivered = id;
    }
  }
}

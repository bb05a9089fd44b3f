package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.broker.BrokerListener;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.sse.EncodedEvent;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.gateway.sse.SseEncoder;
import dev.ssegateway.publisher.WireMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's fan-out: subscribes to the broker once per topic (reference-counted over local
 * connections), encodes each event once, and hands it once to each event loop that has
 * subscribers. All of its state lives on one context, so it needs no locks.
 */
public final class Hub implements BrokerListener {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  static final int REPAIR_PAGE = 500;
  private static final long SUBSCRIBE_RETRY_MS = 1000;
  /** Per-topic failures come in floods (every topic at once): a few lines a minute, then a count. */
  private final ThrottledLog subscribeFailures = new ThrottledLog(log, "Subscribing to topic failed", 5, 60_000);
  private final ThrottledLog repairFailures = new ThrottledLog(log, "Repairing topic failed", 5, 60_000);

  private final Context context;
  private final Broker broker;
  private final GatewayMetrics metrics;
  private final Map<String, TopicFanout> topics = new HashMap<>();
  private final List<LoopHub> loops = new CopyOnWriteArrayList<>();
  private final Map<String, List<Promise<Void>>> waitingForSubscription = new HashMap<>();

  public Hub(Context context, Broker broker, GatewayMetrics metrics) {
    this.context = context;
    this.broker = broker;
    this.metrics = metrics;
  }

  public Context context() {
    return context;
  }

  public void register(LoopHub loop) {
    loops.add(loop);
  }

  public void unregister(LoopHub loop) {
    loops.remove(loop);
  }

  public List<LoopHub> loops() {
    return loops;
  }

  /** Adds a subscriber of {@code topic} on {@code loop}; completes once live delivery is on. */
  public Future<Void> attach(LoopHub loop, String topic) {
    Promise<Void> promise = Promise.promise();
    context.runOnContext(v -> {
      TopicFanout fanout = topics.computeIfAbsent(topic, TopicFanout::new);
      fanout.add(loop);
      if (fanout.subscribed) {
        promise.complete();
      } else {
        waitingForSubscription.computeIfAbsent(topic, t -> new ArrayList<>()).add(promise);
        subscribe(fanout);
      }
    });
    return promise.future();
  }

  public void detach(LoopHub loop, String topic) {
    context.runOnContext(v -> {
      TopicFanout fanout = topics.get(topic);
      if (fanout == null) {
        return;
      }
      fanout.remove(loop);
      if (fanout.connections == 0) {
        topics.remove(topic);
        waitingForSubscription.remove(topic);
        broker.unsubscribe(topic).onFailure(e -> log.debug("unsubscribe {} failed: {}", topic, e.getMessage()));
      }
    });
  }

  private void subscribe(TopicFanout fanout) {
    if (fanout.subscribing) {
      return;
    }
    fanout.subscribing = true;
    // Subscribe first, then read the head: every event after the head arrives live.
    broker.subscribe(fanout.topic)
        .compose(v -> broker.readAfter(fanout.topic, null, 0))
        .onComplete(ar -> context.runOnContext(v -> {
          fanout.subscribing = false;
          if (topics.get(fanout.topic) != fanout) {
            return; // every subscriber left meanwhile
          }
          if (ar.failed()) {
            subscribeFailures.warn("Subscribing to topic {} failed, retrying: {}", fanout.topic, ar.cause().getMessage());
            context.owner().setTimer(SUBSCRIBE_RETRY_MS, t -> {
              if (topics.get(fanout.topic) == fanout && !fanout.subscribed) {
                subscribe(fanout);
              }
            });
            return;
          }
          fanout.advance(ar.result().head());
          fanout.subscribed = true;
          List<Promise<Void>> waiting = waitingForSubscription.remove(fanout.topic);
          if (waiting != null) {
            waiting.forEach(Promise::tryComplete);
          }
          if (fanout.repairAgain) {
            // The broker reconnected while this subscription was under way: its head may predate it.
            fanout.repairAgain = false;
            fanout.repairing = true;
            repair(fanout);
          }
        }));
  }

  @Override
  public void onMessage(String topic, WireMessage message) {
    if (Vertx.currentContext() == context) {
      deliver(topic, message);
    } else {
      context.runOnContext(v -> deliver(topic, message));
    }
  }

  private void deliver(String topic, WireMessage message) {
    metrics.eventReceived();
    TopicFanout fanout = topics.get(topic);
    if (fanout == null) {
      return;
    }
    if (!isDeliverable(topic, message)) {
      return;
    }
    if (message.id() != null) {
      EventId id = EventId.parse(message.id());
      if (fanout.lastDelivered != null && !id.isAfter(fanout.lastDelivered)) {
        metrics.duplicateDropped();
        return;
      }
      if (fanout.repairing) {
        fanout.heldDuringRepair.add(message);
        return;
      }
      fanout.advance(id);
    }
    dispatch(fanout, message);
  }

  private void dispatch(TopicFanout fanout, WireMessage m) {
    EncodedEvent event = SseEncoder.encode(m.id(), m.event(), m.data(), m.retryMs(), m.close());
    for (LoopHub loop : fanout.loops()) {
      loop.dispatch(fanout.topic, event);
    }
  }

  /** Messages put into Redis by hand bypass the publish checks: refuse what could inject fields. */
  private boolean isDeliverable(String topic, WireMessage m) {
    String problem = !m.valid() ? m.problem()
        : m.id() != null && EventId.parse(m.id()) == null ? "invalid id " + m.id() : null;
    if (problem == null) {
      return true;
    }
    metrics.invalidMessageDropped();
    log.warn("Dropped a malformed message on topic {} (published around the gateway?): {}", topic, problem);
    return false;
  }

  /**
   * After a broker reconnect: read each topic's history after the last event this node
   * delivered, deliver what was missed, then what arrived live meanwhile, without duplicates.
   */
  @Override
  public void onResubscribed() {
    // Mark the topics for repair before any live message of the new connection is delivered:
    // the broker calls this on the hub's context right before releasing those messages.
    if (Vertx.currentContext() == context) {
      markForRepair();
    } else {
      context.runOnContext(v -> markForRepair());
    }
  }

  private void markForRepair() {
    topics.values().forEach(f -> {
      if (f.subscribed && f.lastDelivered != null && !f.repairing) {
        f.repairing = true;
        repair(f);
      } else {
        // A repair or a first subscription is under way and may have read before this reconnect.
        f.repairAgain = true;
      }
    });
  }

  private void repair(TopicFanout fanout) {
    EventId from = fanout.lastDelivered;
    broker.readAfter(fanout.topic, from, REPAIR_PAGE).onComplete(ar -> context.runOnContext(v -> {
      if (topics.get(fanout.topic) != fanout) {
        return;
      }
      if (ar.failed()) {
        repairFailures.warn("Repairing topic {} failed, retrying: {}", fanout.topic, ar.cause().getMessage());
        context.owner().setTimer(SUBSCRIBE_RETRY_MS, t -> repair(fanout));
        return;
      }
      HistoryPage page = ar.result();
      if (page.gap()) {
        metrics.historyLost();
        dispatchHistoryLost(fanout, from, page.oldestKept());
      }
      for (WireMessage m : page.events()) {
        fanout.advance(EventId.parse(m.id()));
        metrics.eventRepaired();
        dispatch(fanout, m);
      }
      if (page.more() || fanout.repairAgain) {
        fanout.repairAgain = false;
        repair(fanout);
        return;
      }
      fanout.repairing = false;
      List<WireMessage> held = new ArrayList<>(fanout.heldDuringRepair);
      fanout.heldDuringRepair.clear();
      held.forEach(m -> deliver(fanout.topic, m));
    }));
  }

  private void dispatchHistoryLost(TopicFanout fanout, EventId from, EventId oldest) {
    JsonObject data = new JsonObject()
        .put("topic", fanout.topic)
        .put("lastEventId", from.toString())
        .put("oldestId", oldest == null ? null : oldest.toString());
    EncodedEvent event = EncodedEvent.control(ControlEvents.HISTORY_LOST, data.encode());
    for (LoopHub loop : fanout.loops()) {
      loop.dispatch(fanout.topic, event);
    }
  }

  /** Counts of local subscribers per topic, and the last delivered ids; read on the hub context. */
  public Future<Map<String, Integer>> topicCounts() {
    Promise<Map<String, Integer>> p = Promise.promise();
    context.runOnContext(v -> {
      Map<String, Integer> counts = new HashMap<>();
      topics.forEach((t, f) -> counts.put(t, f.connections));
      p.complete(counts);
    });
    return p.future();
  }

  public Future<Map<String, String>> lastIds() {
    Promise<Map<String, String>> p = Promise.promise();
    context.runOnContext(v -> {
      Map<String, String> ids = new HashMap<>();
      topics.forEach((t, f) -> {
        if (f.lastDelivered != null && f.lastDelivered.isAfter(EventId.ZERO)) {
          ids.put(t, f.lastDelivered.toString());
        }
      });
      p.complete(ids);
    });
    return p.future();
  }
}

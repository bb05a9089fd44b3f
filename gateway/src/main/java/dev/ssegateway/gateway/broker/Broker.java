package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.PublishRequest;
import io.vertx.core.Future;

/**
 * Moves events between nodes and keeps each topic's bounded history. The fan-out code sees only
 * this interface, never a Redis type.
 *
 * <p>Implementations: {@code MemoryBroker} (one node, the dev-mode default) and
 * {@code RedisBroker} (pub/sub for fan-out, a Redis Stream per topic for history). One contract
 * test suite runs against both.
 */
public interface Broker {

  /** Starts delivering to {@code listener}; completes when the broker can publish and deliver. */
  Future<Void> start(BrokerListener listener);

  /**
   * Assigns the event's id, appends it to the topic's history and fans it out, atomically, so
   * that every subscriber that misses the live message finds it in history. Fails (never drops
   * silently) when the broker is unreachable.
   */
  Future<String> publish(PublishRequest request);

  /** Starts receiving the topic's events on this node; completes once live delivery is on. */
  Future<Void> subscribe(String topic);

  Future<Void> unsubscribe(String topic);

  /**
   * Reads up to {@code limit} events after {@code after} (exclusive), oldest first, and tells
   * whether history still reaches back to {@code after}. With {@code after == null} it returns
   * no events, only the topic's head: where a new subscriber starts.
   */
  Future<HistoryPage> readAfter(String topic, EventId after, int limit);

  /** True while delivery is proven to work (for readiness). */
  boolean isDelivering();

  Future<Void> close();
}

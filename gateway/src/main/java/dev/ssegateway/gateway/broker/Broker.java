package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublishedIds;
import io.vertx.core.Future;
import java.util.List;

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

  /**
   * Publishes events of one topic in one atomic step: all are appended and fanned out in the order
   * given, or none is. With {@code idempotency}, the ids are kept for its ttl beside the topic's
   * history, in the same step, and a later call with the same record id gets them back
   * ({@link PublishedIds#replayed()}) without publishing: across nodes, and however many retries
   * race. The same record id with another fingerprint fails with 422 {@code idempotency_key_reused}.
   *
   * @param idempotency null for a plain batch
   */
  Future<PublishedIds> publishBatch(List<PublishRequest> events, Idempotency idempotency);

  /**
   * Claims an idempotency key for a whole call, before any of its topics is published: succeeds
   * when the key is new or was claimed with the same fingerprint (a retry); fails with 422
   * {@code idempotency_key_reused} when it was claimed for another body. Kept for the ttl.
   */
  Future<Void> claimIdempotencyKey(Idempotency idempotency);

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

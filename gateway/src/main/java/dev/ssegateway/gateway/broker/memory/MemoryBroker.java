package dev.ssegateway.gateway.broker.memory;

import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.broker.BrokerListener;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.EventFields;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublishedIds;
import dev.ssegateway.publisher.TopicNames;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded broker of dev mode: one node, no Redis. It keeps the same bounded per-topic
 * history as the Redis broker, so resume works in dev mode too.
 */
public final class MemoryBroker implements Broker {
  /** Histories of topics without publishes for this long are dropped, like Redis key expiry. */
  static final long IDLE_TOPIC_TTL_MS = 86_400_000L;

  private final int historySize;
  private final long historyMaxAgeMs;
  private final Map<String, TopicHistory> histories = new ConcurrentHashMap<>();
  private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
  private final IdempotencyRecords records = new IdempotencyRecords();
  private volatile BrokerListener listener;

  public MemoryBroker(int historySize, long historyMaxAgeMs) {
    this.historySize = historySize;
    this.historyMaxAgeMs = historyMaxAgeMs;
  }

  @Override
  public Future<Void> start(BrokerListener listener) {
    this.listener = listener;
    return Future.succeededFuture();
  }

  @Override
  public Future<String> publish(PublishRequest r) {
    try {
      TopicNames.validate(r.topic());
      EventFields.validateEventName(r.event());
      EventFields.validateRetry(r.retryMs());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    long now = System.currentTimeMillis();
    dropIdleHistories(now);
    TopicHistory history = histories.computeIfAbsent(r.topic(), t -> new TopicHistory());
    // The listener is called under the topic's lock so that live delivery sees events in id order.
    synchronized (history) {
      EventId id = history.append(r.event(), r.data(), r.retryMs(), r.close(), now, historySize, historyMaxAgeMs);
      if (subscribed.contains(r.topic()) && listener != null) {
        listener.onMessage(r.topic(), history.last());
      }
      return Future.succeededFuture(id.toString());
    }
  }

  @Override
  public Future<PublishedIds> publishBatch(List<PublishRequest> events, Idempotency idempotency) {
    try {
      if (events.isEmpty()) {
        throw InvalidInputException.badRequest("empty_batch", "The batch holds no events.");
      }
      for (PublishRequest r : events) {
        TopicNames.validate(r.topic());
        EventFields.validateEventName(r.event());
        EventFields.validateRetry(r.retryMs());
        if (!r.topic().equals(events.get(0).topic())) {
          throw new IllegalArgumentException("publishBatch takes events of one topic");
        }
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    String topic = events.get(0).topic();
    long now = System.currentTimeMillis();
    dropIdleHistories(now);
    TopicHistory history = histories.computeIfAbsent(topic, t -> new TopicHistory());
    // Under the topic's lock: the record check, the appends and the record are one step, as in Redis.
    synchronized (history) {
      String recordKey = idempotency == null ? null : topic + "\n" + idempotency.recordId();
      if (recordKey != null) {
        IdempotencyRecords.Entry kept = records.get(recordKey, now);
        if (kept != null) {
          return kept.fingerprint().equals(idempotency.fingerprint())
              ? Future.succeededFuture(new PublishedIds(kept.ids(), true))
              : Future.failedFuture(Idempotency.reused());
        }
      }
      List<String> ids = new ArrayList<>(events.size());
      for (PublishRequest r : events) {
        ids.add(history.append(r.event(), r.data(), r.retryMs(), r.close(), now, historySize, historyMaxAgeMs).toString());
        if (subscribed.contains(topic) && listener != null) {
          listener.onMessage(topic, history.last());
        }
      }
      if (recordKey != null) {
        records.putIfAbsent(recordKey,
            new IdempotencyRecords.Entry(idempotency.fingerprint(), ids, now + idempotency.ttlMs()), now);
      }
      return Future.succeededFuture(new PublishedIds(ids, false));
    }
  }

  @Override
  public Future<Void> claimIdempotencyKey(Idempotency idempotency) {
    long now = System.currentTimeMillis();
    IdempotencyRecords.Entry previous = records.putIfAbsent("claim\n" + idempotency.recordId(),
        new IdempotencyRecords.Entry(idempotency.fingerprint(), null, now + idempotency.ttlMs()), now);
    return previous == null || previous.fingerprint().equals(idempotency.fingerprint())
        ? Future.succeededFuture()
        : Future.failedFuture(Idempotency.reused());
  }

  @Override
  public Future<Void> subscribe(String topic) {
    subscribed.add(topic);
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> unsubscribe(String topic) {
    subscribed.remove(topic);
    return Future.succeededFuture();
  }

  @Override
  public Future<HistoryPage> readAfter(String topic, EventId after, int limit) {
    TopicHistory history = histories.get(topic);
    if (history == null) {
      boolean gap = after != null && after.isAfter(EventId.ZERO);
      return Future.succeededFuture(new HistoryPage(java.util.List.of(), gap, null, EventId.ZERO, false, false));
    }
    synchronized (history) {
      return Future.succeededFuture(history.readAfter(after, limit, System.currentTimeMillis(), historyMaxAgeMs));
    }
  }

  @Override
  public boolean isDelivering() {
    return true;
  }

  @Override
  public Future<Void> close() {
    return Future.succeededFuture();
  }

  private void dropIdleHistories(long now) {
    if (histories.size() < 1024) {
      return; // cheap enough to keep; sweep only when topics pile up
    }
    if (historyMaxAgeMs == 0) {
      return; // no age limit: history never expires, as in Redis
    }
    // Like the Redis history key: gone after the age limit without publishes, never sooner than a day.
    long idleTtl = Math.max(historyMaxAgeMs, IDLE_TOPIC_TTL_MS);
    histories.entrySet().removeIf(e -> !subscribed.contains(e.getKey()) && e.getValue().expired(now, idleTtl));
  }
}

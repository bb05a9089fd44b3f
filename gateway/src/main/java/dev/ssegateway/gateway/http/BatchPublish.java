package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.PublishBatch;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublishedIds;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /publish} with a batch (a JSON array) or an {@code Idempotency-Key}, after the body
 * was parsed and every topic checked against the publisher's grants.
 *
 * <p>All or nothing per topic: each topic's events go to the broker in one atomic call, topics one
 * after another in order of first appearance. With a key, the call first claims it with the body's
 * fingerprint (a key reused for another body is 422 before anything is published), and each
 * topic's call keeps its ids beside the topic's history in the same atomic step: a retry, on any
 * node, however many race, gets the first call's ids. If a broker failure stops the call after
 * some topics were published, the answer is 503 with {@code ids} (null for what was not published),
 * and a retry with the same key publishes only the rest.
 *
 * <p>Records are kept for the history window ({@code SSE_HISTORY_TTL_MS}; a day when that is 0):
 * a retry is only meaningful while the events it would duplicate are still in history.
 */
final class BatchPublish {
  private static final Logger log = LoggerFactory.getLogger(BatchPublish.class);
  static final String KEY_HEADER = "Idempotency-Key";
  static final String REPLAYED_HEADER = "Idempotent-Replayed";
  static final long NO_HISTORY_TTL_RECORD_MS = 86_400_000L;

  private final NodeServices services;
  private final long recordTtlMs;

  BatchPublish(NodeServices services) {
    this.services = services;
    long historyTtl = services.config().longValue(Setting.HISTORY_TTL_MS);
    this.recordTtlMs = historyTtl > 0 ? historyTtl : NO_HISTORY_TTL_RECORD_MS;
  }

  /**
   * @param scope who publishes (the rate-limit identity): keys of different publishers never meet
   * @param key   the Idempotency-Key header, already checked, or null
   */
  void publish(RoutingContext ctx, PublishBatch batch, String scope, String key) {
    Idempotency idempotency = key == null ? null : Idempotency.of(scope, key, batch, recordTtlMs);
    Map<String, List<PublishRequest>> groups = batch.byTopic();
    Map<String, PublishedIds> done = new LinkedHashMap<>();
    Future<Void> claimed = idempotency == null
        ? Future.succeededFuture()
        : services.broker().claimIdempotencyKey(idempotency);
    Future<Void> chain = claimed;
    for (Map.Entry<String, List<PublishRequest>> group : groups.entrySet()) {
      chain = chain.compose(v -> services.broker().publishBatch(group.getValue(), idempotency)
          .map(ids -> {
            done.put(group.getKey(), ids);
            if (!ids.replayed()) {
              group.getValue().forEach(e -> services.metrics().published());
            }
            return null;
          }));
    }
    chain.onComplete(ar -> {
      if (ar.succeeded()) {
        answer(ctx, batch, done);
      } else if (ar.cause() instanceof InvalidInputException e) {
        services.metrics().refused(e.code());
        ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      } else {
        failed(ctx, batch, done, ar.cause(), key != null);
      }
    });
  }

  private void answer(RoutingContext ctx, PublishBatch batch, Map<String, PublishedIds> done) {
    boolean replayed = done.values().stream().allMatch(PublishedIds::replayed);
    List<String> ids = inOrder(batch, done);
    JsonObject body = batch.batch() ? new JsonObject().put("ids", new JsonArray(ids)) : new JsonObject().put("id", ids.get(0));
    if (replayed) {
      ctx.response().putHeader(REPLAYED_HEADER, "true");
    }
    ctx.response().putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }

  /** The ids in the order the events were given; null for events of topics not published. */
  static List<String> inOrder(PublishBatch batch, Map<String, PublishedIds> done) {
    Map<String, Iterator<String>> next = new LinkedHashMap<>();
    done.forEach((topic, ids) -> next.put(topic, ids.ids().iterator()));
    List<String> ids = new ArrayList<>(batch.events().size());
    for (PublishRequest e : batch.events()) {
      Iterator<String> it = next.get(e.topic());
      ids.add(it == null ? null : it.next());
    }
    return ids;
  }

  private void failed(RoutingContext ctx, PublishBatch batch, Map<String, PublishedIds> done, Throwable cause,
      boolean keyed) {
    services.metrics().publishFailed();
    log.warn("Publish of {} events failed after {} of {} topics: {}", batch.events().size(), done.size(),
        batch.byTopic().size(), cause.toString());
    String reason = ErrorResponses.describe(cause, "no reason given");
    ctx.response().putHeader("Retry-After", "1");
    if (done.isEmpty()) {
      ErrorResponses.send(ctx.response(), 503, "broker_unavailable",
          "The event was not published: the broker is unavailable (" + reason + "). Retry.");
      return;
    }
    // Some topics were published: say which, so that a retry without a key can skip them.
    String message = "Only the events of topics " + done.keySet() + " were published; the broker failed ("
        + reason + "). " + (keyed
            ? "Retry with the same Idempotency-Key: it publishes only the rest."
            : "The ids of published events are in ids; retry only the others (or use an Idempotency-Key).");
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    ctx.response().setStatusCode(503).putHeader("Content-Type", "application/json; charset=utf-8")
        .end(new JsonObject().put("error", "broker_unavailable").put("message", message)
            .put("ids", new JsonArray(inOrder(batch, done))).encode());
  }
}

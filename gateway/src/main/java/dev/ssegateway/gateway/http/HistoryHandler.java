package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.TopicNames;
import dev.ssegateway.publisher.WireMessage;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /history?topic=T[&after=ID][&limit=N]}: the events a topic's history still keeps
 * after {@code after} (exclusive; {@code 0-0}, the default, is before everything), oldest first,
 * and whether history still reaches back to {@code after} ({@code historyLost}: the same rule as a
 * resuming stream's {@code sse-history-lost}). Authorized exactly like subscribing to the topic
 * (the same {@code AccessPolicy}: public topics, JWT grants, then the auth hook when configured).
 *
 * <p>A page holds at most {@value #MAX_LIMIT} events (the node's replay page), and stops early
 * once its data passes {@value #PAGE_DATA_CHARS} characters (always at least one event), so one
 * request never builds a response of {@code limit} times {@code SSE_MAX_DATA_BYTES}. The next page
 * starts at {@code next}.
 */
final class HistoryHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(HistoryHandler.class);
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 500;
  static final int PAGE_DATA_CHARS = 1 << 20;

  private final NodeServices services;

  HistoryHandler(NodeServices services) {
    this.services = services;
  }

  /** What the query asks for, validated. */
  private record Query(String topic, EventId after, int limit) {}

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    Query query;
    try {
      query = query(request);
    } catch (InvalidInputException e) {
      refuse(ctx, e.status(), e.code(), e.getMessage());
      return;
    }
    services.access().authorizeSubscribe(request, new String[] {query.topic()})
        .compose(principal -> services.broker().readAfter(query.topic(), query.after(), query.limit()))
        .onComplete(ar -> {
          if (ar.succeeded()) {
            ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(body(query, ar.result()).encode());
          } else if (ar.cause() instanceof AccessDenied d) {
            if (d.status() == 401) {
              ctx.response().putHeader("WWW-Authenticate", "Bearer");
            }
            if (d.retryAfterSeconds() > 0) {
              ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
            }
            refuse(ctx, d.status(), d.code(), d.getMessage());
          } else {
            log.warn("History read of topic {} failed: {}", query.topic(), ar.cause().toString());
            ctx.response().putHeader("Retry-After", "1");
            ErrorResponses.send(ctx.response(), 503, "broker_unavailable", "History could not be read: "
                + ErrorResponses.describe(ar.cause(), "the broker is unavailable") + ". Retry.");
          }
        });
  }

  private static Query query(HttpServerRequest request) {
    MultiMap params;
    try {
      params = request.params();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(400, "invalid_query", "The query string is not valid percent-encoded UTF-8");
    }
    List<String> topics = params.getAll("topic");
    if (topics.isEmpty()) {
      throw new InvalidInputException(400, "missing_topic", "Name the topic: GET /history?topic=NAME");
    }
    if (topics.size() > 1) {
      throw new InvalidInputException(400, "too_many_topics", "GET /history reads one topic; got " + topics.size());
    }
    TopicNames.validate(topics.get(0));
    return new Query(topics.get(0), after(params.get("after")), limit(params.get("limit")));
  }

  private static EventId after(String text) {
    if (text == null || text.isEmpty()) {
      return EventId.ZERO;
    }
    EventId id = EventId.parse(text);
    if (id == null) {
      throw new InvalidInputException(400, "invalid_after",
          "after must be an event id <ms>-<seq> of this topic, such as 1732190000000-0 (0-0: from the start)");
    }
    return id;
  }

  private static int limit(String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_LIMIT;
    }
    int limit;
    try {
      limit = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      limit = 0;
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new InvalidInputException(400, "invalid_limit", "limit must be a whole number from 1 to " + MAX_LIMIT);
    }
    return limit;
  }

  /** The response: see the README's History API section and openapi.yaml (HistoryPage). */
  static JsonObject body(Query query, HistoryPage page) {
    JsonArray events = new JsonArray();
    long chars = 0;
    boolean more = page.more();
    String next = query.after().toString();
    for (WireMessage m : page.events()) {
      if (!m.valid()) {
        next = m.id(); // written around the gateway and unreadable: streams drop it too
        continue;
      }
      if (!events.isEmpty() && chars + m.data().length() > PAGE_DATA_CHARS) {
        more = true; // the rest comes with the next page
        break;
      }
      chars += m.data().length();
      events.add(new JsonObject()
          .put("id", m.id())
          .put("event", m.event())
          .put("data", m.data())
          .put("retry", m.retryMs())
          .put("close", m.close()));
      next = m.id();
    }
    return new JsonObject()
        .put("topic", query.topic())
        .put("after", query.after().toString())
        .put("historyLost", page.gap())
        .put("oldestId", page.oldestKept() == null ? null : page.oldestKept().toString())
        .put("headId", page.head().toString())
        .put("events", events)
        .put("more", more)
        .put("next", next);
  }

  private void refuse(RoutingContext ctx, int status, String code, String message) {
    services.metrics().refused(code);
    ErrorResponses.send(ctx.response(), status, code, message);
  }
}

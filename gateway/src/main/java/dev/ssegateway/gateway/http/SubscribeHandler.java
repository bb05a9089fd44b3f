package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.hub.LoopHub;
import dev.ssegateway.gateway.sse.ConnectionSettings;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.gateway.sse.ResumeCursor;
import dev.ssegateway.gateway.sse.SseConnection;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.TopicNames;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.TreeSet;

/**
 * {@code GET /events?topic=A[&topic=B...]}: checks the request, then hands it to a new
 * {@link SseConnection}. Resume position: the {@code Last-Event-ID} header (what EventSource
 * sends on reconnect) wins over the {@code lastEventId} query parameter (what a page sets).
 */
final class SubscribeHandler implements Handler<RoutingContext> {
  /** Longer than any real cursor of {@link Setting#MAX_TOPICS} topics; refuses junk early. */
  private static final int MAX_ID_LENGTH = 4096;

  private final NodeServices services;
  private final LoopHub loop;
  private final ConnectionSettings connectionSettings;
  private final int maxTopics;

  SubscribeHandler(NodeServices services, LoopHub loop) {
    this.services = services;
    this.loop = loop;
    this.maxTopics = services.config().intValue(Setting.MAX_TOPICS);
    this.connectionSettings = new ConnectionSettings(
        services.config().longValue(Setting.RETRY_MS),
        services.config().intValue(Setting.CLIENT_QUEUE_BYTES),
        1000);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String[] topics;
    try {
      topics = topics(request.params().getAll("topic"));
    } catch (InvalidInputException e) {
      ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    String lastId = request.getHeader("Last-Event-ID");
    if (lastId == null || lastId.isEmpty()) {
      lastId = request.getParam("lastEventId");
    }
    EventId[] resumeFrom = null;
    boolean unknown = false;
    if (lastId != null && !lastId.isEmpty()) {
      if (lastId.length() > MAX_ID_LENGTH) {
        ErrorResponses.send(ctx.response(), 400, "invalid_last_event_id",
            "Last-Event-ID is longer than " + MAX_ID_LENGTH + " characters");
        return;
      }
      resumeFrom = ResumeCursor.decode(lastId, topics.length);
      unknown = resumeFrom == null;
    }
    new SseConnection(request, loop, services.broker(), services.metrics(), connectionSettings,
        topics, resumeFrom, unknown).open();
  }

  /** The connection's canonical topic list: validated, without duplicates, sorted. */
  private String[] topics(List<String> requested) {
    if (requested.isEmpty()) {
      throw new InvalidInputException(400, "missing_topic",
          "Name at least one topic: GET /events?topic=NAME (repeat topic= for several)");
    }
    TreeSet<String> unique = new TreeSet<>();
    for (String t : requested) {
      TopicNames.validate(t);
      unique.add(t);
    }
    if (unique.size() > maxTopics) {
      throw new InvalidInputException(400, "too_many_topics",
          "At most " + maxTopics + " topics per connection, got " + unique.size());
    }
    return unique.toArray(new String[0]);
  }
}

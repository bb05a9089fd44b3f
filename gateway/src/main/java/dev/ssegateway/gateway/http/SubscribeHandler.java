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
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;
import java.util.TreeSet;

/**
 * {@code GET /events?topic=A[&topic=B...]}: checks the request, then hands it to a new
 * {@link SseConnection}. Resume position, first found wins: the {@code Last-Event-ID} header
 * (what EventSource sends on reconnect), the {@code lastEventId} query parameter (what a page
 * sets), then the server-side cursor named by {@code streamId} (for page reloads).
 */
final class SubscribeHandler implements Handler<RoutingContext> {
  /** Longer than any real cursor of {@link Setting#MAX_TOPICS} topics; refuses junk early. */
  private static final int MAX_ID_LENGTH = 4096;
  private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9._-]{8,128}");

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
    String streamId = request.getParam("streamId");
    if (streamId != null && !STREAM_ID.matcher(streamId).matches()) {
      ErrorResponses.send(ctx.response(), 400, "invalid_stream_id",
          "streamId must be 8 to 128 characters from A-Z a-z 0-9 . _ -");
      return;
    }
    String lastId = request.getHeader("Last-Event-ID");
    if (lastId == null || lastId.isEmpty()) {
      lastId = request.getParam("lastEventId");
    }
    if (lastId != null && lastId.length() > MAX_ID_LENGTH) {
      ErrorResponses.send(ctx.response(), 400, "invalid_last_event_id",
          "Last-Event-ID is longer than " + MAX_ID_LENGTH + " characters");
      return;
    }
    if ((lastId == null || lastId.isEmpty()) && streamId != null) {
      // No id from the client (a page reload): resume from the server-side cursor, if any.
      request.pause();
      services.cluster().cursor(streamId).onComplete(ar -> loop.context().runOnContext(v -> {
        request.resume();
        EventId[] from = ar.succeeded() && ar.result() != null ? fromCursor(ar.result(), topics) : null;
        open(request, topics, from, false, streamId);
      }));
      return;
    }
    EventId[] resumeFrom = null;
    boolean unknown = false;
    if (lastId != null && !lastId.isEmpty()) {
      resumeFrom = ResumeCursor.decode(lastId, topics.length);
      unknown = resumeFrom == null;
    }
    open(request, topics, resumeFrom, unknown, streamId);
  }

  private void open(HttpServerRequest request, String[] topics, EventId[] from, boolean unknown, String streamId) {
    new SseConnection(request, loop, services.broker(), services.metrics(), connectionSettings,
        topics, from, unknown).withCursor(streamId).open();
  }

  /** Positions stored in a cursor, per topic; topics it does not know start at the head. */
  private static EventId[] fromCursor(String json, String[] topics) {
    try {
      JsonObject stored = new JsonObject(json);
      EventId[] from = new EventId[topics.length];
      for (int i = 0; i < topics.length; i++) {
        from[i] = EventId.parse(stored.getString(topics[i]));
      }
      return from;
    } catch (RuntimeException e) {
      return null;
    }
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

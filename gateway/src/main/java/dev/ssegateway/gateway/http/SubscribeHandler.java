package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.cluster.CursorOwner;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.hub.LoopHub;
import dev.ssegateway.gateway.limits.Admission;
import dev.ssegateway.gateway.sse.ConnectionSettings;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.gateway.sse.ResumeCursor;
import dev.ssegateway.gateway.sse.SseConnection;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.TopicNames;
import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.auth.Principal;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
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
  /** How long a resuming request waits for history before its headers go out anyway. */
  private static final long RESUME_WAIT_MS = 1000;
  /**
   * How long a new subscriber waits for its subscription and starting position (normally a few
   * milliseconds; this bounds a broker outage) before a 503 tells it to retry.
   */
  private static final long OPEN_TIMEOUT_MS = 10_000;
  private static final Pattern STREAM_ID = Pattern.compile("[A-Za-z0-9._-]{8,128}");

  private final NodeServices services;
  private final LoopHub loop;
  private final ConnectionSettings connectionSettings;
  private final int maxTopics;
  private final int maxConnections;
  private final int maxPerUser;

  SubscribeHandler(NodeServices services, LoopHub loop) {
    this.services = services;
    this.loop = loop;
    this.maxTopics = services.config().intValue(Setting.MAX_TOPICS);
    this.maxConnections = services.config().intValue(Setting.MAX_CONNECTIONS);
    this.maxPerUser = services.config().intValue(Setting.MAX_CONNECTIONS_PER_USER);
    this.connectionSettings = new ConnectionSettings(
        services.config().longValue(Setting.RETRY_MS),
        services.config().intValue(Setting.CLIENT_QUEUE_BYTES),
        RESUME_WAIT_MS, OPEN_TIMEOUT_MS);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String client = services.clientAddress().resolve(peer(request), request.headers().getAll("X-Forwarded-For"));
    // The place is taken now, before any async step, so a burst cannot pass the limits; every
    // way out below gives it back (release is idempotent).
    Admission.Ticket ticket = services.admission().tryAdmit(client);
    if (ticket.refusal() == Admission.Refusal.NODE_FULL) {
      ctx.response().putHeader("Retry-After", "5");
      services.metrics().refused("node_connections");
      ErrorResponses.send(ctx.response(), 503, "too_many_connections",
          "This node holds its maximum of " + maxConnections + " connections; retry (another node may take it)");
      return;
    }
    if (ticket.refusal() == Admission.Refusal.ADDRESS_FULL) {
      ctx.response().putHeader("Retry-After", "10");
      services.metrics().refused("address_connections");
      AddressLimitLog.refused(client, services.admission().maxPerAddress());
      ErrorResponses.send(ctx.response(), 429, "too_many_address_connections",
          "Your address already holds " + services.admission().maxPerAddress() + " streams on this node");
      return;
    }
    try {
      admitted(ctx, request, client, ticket);
    } catch (RuntimeException e) {
      ticket.release();
      throw e;
    }
  }

  private static String peer(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
  }

  private void admitted(RoutingContext ctx, HttpServerRequest request, String client, Admission.Ticket ticket) {
    String[] topics;
    try {
      topics = topics(queryParams(request).getAll("topic"));
    } catch (InvalidInputException e) {
      ticket.release();
      services.metrics().refused(e.code());
      ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    String streamId = request.getParam("streamId");
    if (streamId != null && !STREAM_ID.matcher(streamId).matches()) {
      ticket.release();
      services.metrics().refused("invalid_stream_id");
      ErrorResponses.send(ctx.response(), 400, "invalid_stream_id",
          "streamId must be 8 to 128 characters from A-Z a-z 0-9 . _ -");
      return;
    }
    String header = request.getHeader("Last-Event-ID");
    String lastId = header == null || header.isEmpty() ? request.getParam("lastEventId") : header;
    if (lastId != null && lastId.length() > MAX_ID_LENGTH) {
      ticket.release();
      services.metrics().refused("invalid_last_event_id");
      ErrorResponses.send(ctx.response(), 400, "invalid_last_event_id",
          "Last-Event-ID is longer than " + MAX_ID_LENGTH + " characters");
      return;
    }
    String resumeId = lastId == null || lastId.isEmpty() ? null : lastId;
    onLoop(services.access().authorizeSubscribe(request, topics)
        .compose(principal -> takeUserSlot(principal).map(principal)))
        .onSuccess(principal -> openStream(ctx, topics, principal, client, resumeId, streamId, ticket))
        .onFailure(e -> {
          ticket.release();
          refuse(ctx, e);
        });
  }

  /** The request passed every check: find where to resume, then open the stream. */
  private void openStream(RoutingContext ctx, String[] topics, Principal principal, String client,
      String resumeId, String streamId, Admission.Ticket ticket) {
    Runnable release = principal.user() != null && maxPerUser > 0
        ? () -> {
          ticket.release();
          services.cluster().releaseUserConnection(principal.user());
        }
        : ticket::release;
    // The cursor belongs to the token's user, or to the client's address when anonymous.
    String owner = CursorOwner.of(principal.user(), client);
    if (streamId != null) {
      // Counted against the owner's bound whether it resumes from this cursor or by Last-Event-ID.
      services.cluster().keepCursor(owner, streamId);
    }
    resumePosition(topics, resumeId, owner, streamId).onComplete(ar -> {
      if (ar.failed()) {
        release.run();
        refuse(ctx, ar.cause());
        return;
      }
      try {
        new SseConnection(ctx.request(), loop, services.broker(), services.metrics(), connectionSettings,
            topics, ar.result().positions(), ar.result().unknown())
            .withCursor(streamId == null ? null : CursorOwner.key(owner, streamId)).withClientId(resumeId)
            .onEnd(release).expiresAt(principal.expiresAtMs()).open();
      } catch (RuntimeException e) {
        release.run();
        throw e;
      }
    });
  }

  private Future<Void> takeUserSlot(Principal principal) {
    if (principal.user() == null || maxPerUser <= 0) {
      return Future.succeededFuture();
    }
    return services.cluster().acquireUserConnection(principal.user(), maxPerUser).compose(ok -> ok
        ? Future.succeededFuture()
        : Future.failedFuture(new AccessDenied(429, "too_many_user_connections",
            "User " + principal.user() + " already holds " + maxPerUser + " connections across the cluster")));
  }

  /**
   * The decoded query parameters. Vert.x throws on malformed percent escapes ({@code %zz}, a
   * truncated UTF-8 sequence): that is the client's error, a 400, not a 500. Decoded once here,
   * later reads of the parameters come from Vert.x's cache.
   */
  private static io.vertx.core.MultiMap queryParams(HttpServerRequest request) {
    try {
      return request.params();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(400, "invalid_query", "The query string is not valid percent-encoded UTF-8");
    }
  }

  private record ResumeFrom(EventId[] positions, boolean unknown) {}

  /** Last-Event-ID (or lastEventId) first; else the server-side cursor; else a new subscriber. */
  private Future<ResumeFrom> resumePosition(String[] topics, String lastId, String owner, String streamId) {
    if (lastId != null) {
      EventId[] from = ResumeCursor.decode(lastId, topics.length);
      return Future.succeededFuture(new ResumeFrom(from, from == null));
    }
    if (streamId == null) {
      return Future.succeededFuture(new ResumeFrom(null, false));
    }
    return onLoop(services.cluster().cursor(owner, streamId)
        .map(json -> new ResumeFrom(json == null ? null : fromCursor(json, topics), false))
        .otherwise(new ResumeFrom(null, false)));
  }

  private void refuse(RoutingContext ctx, Throwable e) {
    if (e instanceof AccessDenied d) {
      services.metrics().refused(d.code());
      if (d.status() == 429) {
        ctx.response().putHeader("Retry-After", "10");
      }
      if (d.status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
      if (d.retryAfterSeconds() > 0) {
        ctx.response().putHeader("Retry-After", Long.toString(d.retryAfterSeconds()));
      }
      ErrorResponses.send(ctx.response(), d.status(), d.code(), d.getMessage());
    } else {
      ErrorResponses.send(ctx.response(), 503, "unavailable", "Could not open the stream: "
          + ErrorResponses.describe(e, "the cluster state is unavailable"));
    }
  }

  private <T> Future<T> onLoop(Future<T> f) {
    Promise<T> p = Promise.promise();
    f.onComplete(ar -> loop.context().runOnContext(v -> p.handle(ar)));
    return p.future();
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

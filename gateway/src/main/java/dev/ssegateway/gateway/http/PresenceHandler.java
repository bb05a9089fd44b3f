package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.TopicNames;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET /presence?topic=T[&limit=N][&offset=K]}: who is connected to T across the live nodes.
 * Counts always; one page of the listed (identified) connections, oldest first. Allowed to whoever
 * may subscribe to T, and to a backend with the publish key (it may already publish to any topic) or
 * the operator with SSE_ADMIN_KEY. A refused request that carried a bearer counts against the
 * address's failure budget (SSE_AUTH_FAILURE_RATE), as on publish: keys cannot be guessed here either.
 * With an auth hook, the hook is asked as for a subscription to T.
 */
final class PresenceHandler implements Handler<RoutingContext> {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** Far above any real list (a node lists at most 10,000 per topic): refuses junk. */
  static final int MAX_OFFSET = 10_000_000;

  private final NodeServices services;
  private final HttpGuards guards;
  private final PublishKey publishKey;
  private final PublishKey adminKey;

  PresenceHandler(NodeServices services, HttpGuards guards) {
    this.services = services;
    this.guards = guards;
    this.publishKey = new PublishKey(services.config().string(Setting.PUBLISH_KEY));
    this.adminKey = services.config().isSet(Setting.ADMIN_KEY) ? new PublishKey(services.config().string(Setting.ADMIN_KEY)) : null;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String topic;
    int limit;
    int offset;
    try {
      MultiMap params = params(request);
      topic = topic(params.getAll("topic"));
      limit = number(params.get("limit"), "invalid_limit", "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
      offset = number(params.get("offset"), "invalid_offset", "offset", 0, 0, MAX_OFFSET);
    } catch (InvalidInputException e) {
      services.metrics().refused(e.code());
      ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    Context loop = Vertx.currentContext();
    String address = PublishGate.clientAddress(services, request);
    String authorization = request.getHeader("Authorization");
    if (authorization != null) {
      long blocked = guards.authFailures.check(address);
      if (blocked > 0) {
        tooManyFailures(ctx, blocked);
        return;
      }
    }
    authorize(request, authorization, topic)
        .compose(v -> services.presence().list(topic, offset, limit))
        .onComplete(ar -> loop.runOnContext(x -> {
          if (ar.succeeded()) {
            ctx.response().setStatusCode(200).putHeader("Content-Type", "application/json; charset=utf-8")
                .putHeader("Cache-Control", "no-store")
                .end(ar.result().encode());
          } else if (ar.cause() instanceof AccessDenied d) {
            // Any refusal of a request that carried a bearer: with an auth hook a wrong key gets
            // the hook's 403, and that must count as a guess too.
            if ((d.status() == 401 || d.status() == 403) && authorization != null) {
              long wait = guards.authFailures.acquire(address);
              if (wait > 0) {
                tooManyFailures(ctx, wait);
                return;
              }
            }
            services.metrics().refused(d.code());
            if (d.status() == 401) {
              ctx.response().putHeader("WWW-Authenticate", "Bearer");
            }
            ErrorResponses.send(ctx.response(), d.status(), d.code(), d.getMessage());
          } else {
            ErrorResponses.send(ctx.response(), 503, "cluster_unavailable",
                ErrorResponses.describe(ar.cause(), "The cluster state is unavailable"));
          }
        }));
  }

  /** Either key lets a backend or operator see any topic; anyone else needs what subscribing would need. */
  private Future<Void> authorize(HttpServerRequest request, String authorization, String topic) {
    if (publishKey.check(authorization) == null || (adminKey != null && adminKey.check(authorization) == null)) {
      return Future.succeededFuture();
    }
    return services.access().authorizeSubscribe(request, new String[] {topic}).mapEmpty();
  }

  private void tooManyFailures(RoutingContext ctx, long wait) {
    services.metrics().refused("too_many_auth_failures");
    ctx.response().putHeader("Retry-After", Long.toString(wait));
    ErrorResponses.send(ctx.response(), 429, "too_many_auth_failures",
        "Too many failed authentications from this address; retry after " + wait + " s");
  }

  private static MultiMap params(HttpServerRequest request) {
    try {
      return request.params();
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(400, "invalid_query", "The query string is not valid percent-encoded UTF-8");
    }
  }

  private static String topic(List<String> given) {
    if (given.size() != 1) {
      throw new InvalidInputException(400, "missing_topic", "Name exactly one topic: GET /presence?topic=NAME");
    }
    TopicNames.validate(given.get(0));
    return given.get(0);
  }

  private static int number(String value, String code, String name, int otherwise, int min, int max) {
    if (value == null) {
      return otherwise;
    }
    try {
      int n = Integer.parseInt(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw new InvalidInputException(400, code, name + " must be a whole number from " + min + " to " + max);
  }
}

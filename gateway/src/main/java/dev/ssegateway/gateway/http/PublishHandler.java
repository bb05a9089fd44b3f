package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.auth.Principal;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.PublishBatch;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublishRequestParser;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /publish}: authenticates, parses and validates the JSON body with the publisher
 * library's own parser (the same rules as every other way of publishing), then publishes through
 * the broker, which assigns the id. A broker failure is a 503, never a silent drop.
 */
final class PublishHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(PublishHandler.class);

  private final NodeServices services;
  private final PublishKey key;
  private final int maxDataBytes;
  private final int maxBatchEvents;
  private final BatchPublish batchPublish;
  /** Rate-limit identity of everyone using the shared publish key. */
  private static final String KEY_IDENTITY = "publish-key";

  PublishHandler(NodeServices services) {
    this.services = services;
    this.key = new PublishKey(services.config().string(Setting.PUBLISH_KEY));
    this.maxDataBytes = services.config().intValue(Setting.MAX_DATA_BYTES);
    this.maxBatchEvents = services.config().intValue(Setting.MAX_BATCH_EVENTS);
    this.batchPublish = new BatchPublish(services);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    String denied = key.check(authorization);
    if (denied == null) {
      parseAndPublish(ctx, KEY_IDENTITY, null);
      return;
    }
    String token = bearer(authorization);
    if (denied.equals("missing_credentials") || token == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      refuse(ctx, 401, denied.equals("missing_credentials") ? denied : "invalid_credentials",
          "Publishing needs Authorization: Bearer <publish key or token with publish grants>");
      return;
    }
    if (!services.access().tokensEnabled()) {
      refuse(ctx, 403, "invalid_credentials", "The publish key is not valid");
      return;
    }
    // Not the key: perhaps a token with publish grants.
    services.access().verify(token).onComplete(ar -> {
      if (ar.failed()) {
        AccessDenied d = (AccessDenied) ar.cause();
        refuse(ctx, d.status(), d.code(), d.getMessage());
      } else {
        Principal p = ar.result();
        parseAndPublish(ctx, "user:" + p.user(), p);
      }
    });
  }

  /** The credential of an {@code Authorization: Bearer} header, or null for any other header. */
  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = authorization.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  /** Answers a refusal with its JSON body and counts it in {@code sse_requests_refused_total}. */
  private void refuse(RoutingContext ctx, int status, String code, String message) {
    services.metrics().refused(code);
    ErrorResponses.send(ctx.response(), status, code, message);
  }

  /** @param principal the token's principal, or null when the publish key was used */
  private void parseAndPublish(RoutingContext ctx, String identity, Principal principal) {
    PublishBatch batch;
    String key = ctx.request().getHeader(BatchPublish.KEY_HEADER);
    try {
      if (key != null) {
        Idempotency.validateKey(key);
      }
      batch = PublishRequestParser.parseBatch(PublishBody.of(ctx), maxDataBytes, maxBatchEvents);
    } catch (InvalidInputException e) {
      refuse(ctx, e.status(), e.code(), e.getMessage());
      return;
    }
    for (String topic : batch.byTopic().keySet()) {
      if (principal != null && !principal.mayPublish(topic)) {
        refuse(ctx, 403, "forbidden_topic", "The token does not grant publishing to " + topic);
        return;
      }
    }
    long wait = services.publishRate().acquire(identity);
    if (wait > 0) {
      services.metrics().refused("publish_rate");
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ErrorResponses.send(ctx.response(), 429, "publish_rate_exceeded",
          "Too many publishes from this publisher; retry after " + wait + " s");
      return;
    }
    if (batch.batch() || key != null) {
      batchPublish.publish(ctx, batch, identity, key);
      return;
    }
    PublishRequest request = batch.events().get(0);
    services.broker().publish(request).onComplete(ar -> {
      if (ar.succeeded()) {
        services.metrics().published();
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .end(new JsonObject().put("id", ar.result()).encode());
      } else if (ar.cause() instanceof InvalidInputException e) {
        refuse(ctx, e.status(), e.code(), e.getMessage());
      } else {
        services.metrics().publishFailed();
        log.warn("Publish to topic {} failed: {}", request.topic(), ar.cause().toString());
        ctx.response().putHeader("Retry-After", "1");
        ErrorResponses.send(ctx.response(), 503, "broker_unavailable",
            "The event was not published: the broker is unavailable ("
                + ErrorResponses.describe(ar.cause(), "no reason given") + "). Retry.");
      }
    });
  }
}

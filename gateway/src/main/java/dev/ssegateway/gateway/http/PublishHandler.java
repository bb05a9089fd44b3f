package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.auth.Principal;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.publisher.InvalidInputException;
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
  /** Rate-limit identity of everyone using the shared publish key. */
  private static final String KEY_IDENTITY = "publish-key";

  PublishHandler(NodeServices services) {
    this.services = services;
    this.key = new PublishKey(services.config().string(Setting.PUBLISH_KEY));
    this.maxDataBytes = services.config().intValue(Setting.MAX_DATA_BYTES);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String authorization = ctx.request().getHeader("Authorization");
    String denied = key.check(authorization);
    if (denied == null) {
      parseAndPublish(ctx, KEY_IDENTITY, null);
      return;
    }
    if (denied.equals("missing_credentials")) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      ErrorResponses.send(ctx.response(), 401, denied,
          "Publishing needs Authorization: Bearer <publish key or token with publish grants>");
      return;
    }
    if (!services.access().tokensEnabled()) {
      ErrorResponses.send(ctx.response(), 403, "invalid_credentials", "The publish key is not valid");
      return;
    }
    // Not the key: perhaps a token with publish grants.
    String token = authorization.substring(7).trim();
    services.access().verify(token).onComplete(ar -> {
      if (ar.failed()) {
        AccessDenied d = (AccessDenied) ar.cause();
        ErrorResponses.send(ctx.response(), d.status(), d.code(), d.getMessage());
      } else {
        Principal p = ar.result();
        parseAndPublish(ctx, "user:" + p.user(), p);
      }
    });
  }

  /** @param principal the token's principal, or null when the publish key was used */
  private void parseAndPublish(RoutingContext ctx, String identity, Principal principal) {
    PublishRequest request;
    try {
      request = PublishRequestParser.parse(ctx.body().buffer(), maxDataBytes);
    } catch (InvalidInputException e) {
      ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      return;
    }
    if (principal != null && !principal.mayPublish(request.topic())) {
      ErrorResponses.send(ctx.response(), 403, "forbidden_topic",
          "The token does not grant publishing to " + request.topic());
      return;
    }
    long wait = services.publishRate().acquire(identity);
    if (wait > 0) {
      services.metrics().refused("publish_rate");
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ErrorResponses.send(ctx.response(), 429, "publish_rate_exceeded",
          "Too many publishes from this publisher; retry after " + wait + " s");
      return;
    }
    services.broker().publish(request).onComplete(ar -> {
      if (ar.succeeded()) {
        services.metrics().published();
        ctx.response().putHeader("Content-Type", "application/json; charset=utf-8")
            .end(new JsonObject().put("id", ar.result()).encode());
      } else if (ar.cause() instanceof InvalidInputException e) {
        ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
      } else {
        services.metrics().publishFailed();
        log.warn("Publish to topic {} failed: {}", request.topic(), ar.cause().getMessage());
        ctx.response().putHeader("Retry-After", "1");
        ErrorResponses.send(ctx.response(), 503, "broker_unavailable",
            "The event was not published: the broker is unavailable (" + ar.cause().getMessage() + "). Retry.");
      }
    });
  }
}

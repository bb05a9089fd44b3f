package dev.ssegateway.gateway.http;

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

  PublishHandler(NodeServices services) {
    this.services = services;
    this.key = new PublishKey(services.config().string(Setting.PUBLISH_KEY));
    this.maxDataBytes = services.config().intValue(Setting.MAX_DATA_BYTES);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String denied = key.check(ctx.request().getHeader("Authorization"));
    if (denied != null) {
      int status = denied.equals("missing_credentials") ? 401 : 403;
      if (status == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer");
      }
      ErrorResponses.send(ctx.response(), status, denied, status == 401
          ? "Publishing needs Authorization: Bearer <publish key>"
          : "The publish key is not valid");
      return;
    }
    PublishRequest request;
    try {
      request = PublishRequestParser.parse(ctx.body().buffer(), maxDataBytes);
    } catch (InvalidInputException e) {
      ErrorResponses.send(ctx.response(), e.status(), e.code(), e.getMessage());
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

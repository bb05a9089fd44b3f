package dev.ssegateway.gateway.http;

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
 * {@code POST /publish}, after {@link PublishGate}: parses and validates the JSON body with the publisher
 * library's own parser (the same rules as every other way of publishing), then publishes through
 * the broker, which assigns the id. A broker failure is a 503, never a silent drop.
 */
final class PublishHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(PublishHandler.class);

  private final NodeServices services;
  private final int maxDataBytes;
  private final int maxBatchEvents;
  private final BatchPublish batchPublish;

  PublishHandler(NodeServices services) {
    this.services = services;
    this.maxDataBytes = services.config().intValue(Setting.MAX_DATA_BYTES);
    this.maxBatchEvents = services.config().intValue(Setting.MAX_BATCH_EVENTS);
    this.batchPublish = new BatchPublish(services);
  }

  @Override
  public void handle(RoutingContext ctx) {
    // PublishGate authenticated the publisher and took its rate before the body was read.
    parseAndPublish(ctx, ctx.get(PublishGate.IDENTITY), ctx.get(PublishGate.PRINCIPAL));
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

package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import io.vertx.ext.web.RoutingContext;
import io.vertx.core.Handler;

/**
 * Guards the operator endpoints, {@code GET /stats} (every topic name, every node) and
 * {@code GET /metrics}. Open only in dev mode, when the operator configured no credential at all
 * (no SSE_PUBLISH_KEY, no JWT setting, no SSE_ADMIN_KEY). Otherwise they need
 * {@code Authorization: Bearer} with SSE_ADMIN_KEY, or, while that is unset, the publish key: the
 * backend that holds the publish key may publish to every topic, so topic names are no secret to
 * it, and a deployment that set only a publish key is closed without a new secret to roll out.
 * Set SSE_ADMIN_KEY to give Prometheus a credential that cannot publish; the publish key then no
 * longer opens these endpoints. Failed attempts count against the address's failure budget
 * (SSE_AUTH_FAILURE_RATE), like failed publishes.
 */
final class OperatorAccess implements Handler<RoutingContext> {
  private final boolean open;
  private final PublishKey key;
  private final HttpGuards guards;
  private final NodeServices services;

  OperatorAccess(NodeServices services, HttpGuards guards) {
    GatewayConfig config = services.config();
    this.services = services;
    this.guards = guards;
    this.open = !config.credentialsConfigured();
    this.key = new PublishKey(config.isSet(Setting.ADMIN_KEY)
        ? config.string(Setting.ADMIN_KEY)
        : config.string(Setting.PUBLISH_KEY));
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Cache-Control", "no-store");
    if (open) {
      ctx.next();
      return;
    }
    String address = PublishGate.clientAddress(services, ctx.request());
    long blocked = guards.authFailures.check(address);
    if (blocked > 0) {
      refuse(ctx, 429, "too_many_auth_failures", blocked);
      return;
    }
    String denied = key.check(ctx.request().getHeader("Authorization"));
    if (denied == null) {
      ctx.next();
      return;
    }
    long wait = guards.authFailures.acquire(address);
    if (wait > 0) {
      refuse(ctx, 429, "too_many_auth_failures", wait);
      return;
    }
    ctx.response().putHeader("WWW-Authenticate", "Bearer");
    services.metrics().refused("admin_" + denied);
    ErrorResponses.send(ctx.response(), 401, denied,
        "This endpoint needs Authorization: Bearer <SSE_ADMIN_KEY, or the publish key while SSE_ADMIN_KEY is unset>");
  }

  private void refuse(RoutingContext ctx, int status, String code, long wait) {
    services.metrics().refused(code);
    ctx.response().putHeader("Retry-After", Long.toString(wait));
    ErrorResponses.send(ctx.response(), status, code,
        "Too many failed authentications from this address; retry after " + wait + " s");
  }
}

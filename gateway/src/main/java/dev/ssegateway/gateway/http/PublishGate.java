package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.auth.AccessDenied;
import dev.ssegateway.gateway.auth.Principal;
import dev.ssegateway.gateway.config.Setting;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Identity before work on {@code POST /publish}: everything that can be decided from the headers
 * is decided before one body byte is read. In order: an address that failed to authenticate too
 * often is refused (429); the publish key or a token is checked (401/403); the publisher's rate
 * is taken (429); a Content-Length over the limit is refused (413); the body's bytes are reserved
 * from the node's {@link BodyBudget} (503 when full). Only then does the body handler read.
 *
 * <p>Before this, the body was read first: 500 anonymous requests each sending 390 KB and
 * stalling grew the heap by 262 MB and were never answered.
 *
 * <p>A refusal answers at once and discards what the client still sends, up to the body limit
 * (the connection then stays usable); a longer body closes the connection.
 */
final class PublishGate implements Handler<RoutingContext> {
  /** Routing-context keys read by {@link PublishHandler}. */
  static final String IDENTITY = "sse.publish.identity";
  static final String PRINCIPAL = "sse.publish.principal";
  /** Rate-limit identity of everyone using the shared publish key. */
  static final String KEY_IDENTITY = "publish-key";

  private final NodeServices services;
  private final HttpGuards guards;
  private final PublishKey key;
  private final long bodyLimit;

  PublishGate(NodeServices services, HttpGuards guards, long bodyLimit) {
    this.services = services;
    this.guards = guards;
    this.key = new PublishKey(services.config().string(Setting.PUBLISH_KEY));
    this.bodyLimit = bodyLimit;
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    request.pause(); // the body handler resumes it, once the request may go on
    String address = clientAddress(services, request);
    long blocked = guards.authFailures.check(address);
    if (blocked > 0) {
      tooManyFailures(ctx, blocked);
      return;
    }
    String authorization = request.getHeader("Authorization");
    String denied = key.check(authorization);
    if (denied == null) {
      admitted(ctx, KEY_IDENTITY, null);
      return;
    }
    String token = bearer(authorization);
    if (denied.equals("missing_credentials") || token == null) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer");
      authFailed(ctx, address, 401, denied.equals("missing_credentials") ? denied : "invalid_credentials",
          "Publishing needs Authorization: Bearer <publish key or token with publish grants>");
      return;
    }
    if (!services.access().tokensEnabled()) {
      authFailed(ctx, address, 403, "invalid_credentials", "The publish key is not valid");
      return;
    }
    services.access().verify(token).onComplete(ar -> {
      if (ar.failed()) {
        AccessDenied d = (AccessDenied) ar.cause();
        authFailed(ctx, address, d.status(), d.code(), d.getMessage());
      } else {
        Principal p = ar.result();
        admitted(ctx, "user:" + p.user(), p);
      }
    });
  }

  /**
   * The address failed authentications are counted against: the socket's peer, or behind a
   * trusted proxy (SSE_TRUSTED_PROXIES) the client it forwards for, as for the connection limits.
   */
  static String clientAddress(NodeServices services, HttpServerRequest request) {
    String peer = request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    return services.clientAddress().resolve(peer, request.headers().getAll("X-Forwarded-For"));
  }

  /** The credential of an {@code Authorization: Bearer} header, or null for any other header. */
  private static String bearer(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    String t = authorization.substring(7).trim();
    return t.isEmpty() ? null : t;
  }

  private void admitted(RoutingContext ctx, String identity, Principal principal) {
    long wait = services.publishRate().acquire(identity);
    if (wait > 0) {
      services.metrics().refused("publish_rate"); // the metric's reason since before this gate
      ctx.response().putHeader("Retry-After", Long.toString(wait));
      ErrorResponses.send(ctx.response(), 429, "publish_rate_exceeded",
          "Too many publishes from this publisher; retry after " + wait + " s");
      discardBody(ctx.request());
      return;
    }
    String declared = ctx.request().getHeader("Content-Length");
    long length;
    try {
      length = declared == null ? bodyLimit : Long.parseLong(declared.trim());
    } catch (NumberFormatException e) {
      refuse(ctx, 400, "bad_request", "Content-Length is not a number");
      return;
    }
    if (length > bodyLimit) {
      // Its body is not read: an HTTP/1.1 connection cannot carry another request, so it closes.
      // An HTTP/2 stream's body (flow-controlled, on a connection that carries other streams) is
      // discarded instead: Java's and curl's h2c upgrade send it as part of the upgrade request.
      services.metrics().refused("event_too_large");
      HttpServerRequest request = ctx.request();
      if (request.version() == HttpVersion.HTTP_2) {
        ErrorResponses.send(ctx.response(), 413, "event_too_large",
            "The request body is larger than this gateway accepts (SSE_MAX_DATA_BYTES)");
        discardBody(request);
        return;
      }
      ctx.response().putHeader("Connection", "close").endHandler(v -> request.connection().close());
      ErrorResponses.send(ctx.response(), 413, "event_too_large",
          "The request body is larger than this gateway accepts (SSE_MAX_DATA_BYTES)");
      return;
    }
    long reserve = Math.max(length, 0);
    if (!guards.bodies.reserve(reserve)) {
      ctx.response().putHeader("Retry-After", "1");
      refuse(ctx, 503, "server_busy", "The gateway holds too many request bodies (SSE_MAX_BUFFERED_BYTES); retry");
      return;
    }
    AtomicBoolean released = new AtomicBoolean();
    ctx.addEndHandler(ar -> {
      if (released.compareAndSet(false, true)) {
        guards.bodies.release(reserve);
      }
    });
    ctx.put(IDENTITY, identity);
    if (principal != null) {
      ctx.put(PRINCIPAL, principal);
    }
    ctx.next();
  }

  private void authFailed(RoutingContext ctx, String address, int status, String code, String message) {
    long wait = guards.authFailures.acquire(address);
    if (wait > 0) {
      tooManyFailures(ctx, wait);
      return;
    }
    refuse(ctx, status, code, message);
  }

  private void tooManyFailures(RoutingContext ctx, long wait) {
    ctx.response().putHeader("Retry-After", Long.toString(wait));
    refuse(ctx, 429, "too_many_auth_failures",
        "Too many failed publish authentications from this address; retry after " + wait + " s");
  }

  /** Answers now, counts the refusal, and discards the body the client may still send. */
  private void refuse(RoutingContext ctx, int status, String code, String message) {
    services.metrics().refused(code);
    ErrorResponses.send(ctx.response(), status, code, message);
    discardBody(ctx.request());
  }

  private void discardBody(HttpServerRequest request) {
    if (request.isEnded()) {
      return;
    }
    long[] discarded = {0};
    request.handler(buf -> {
      discarded[0] += buf.length();
      if (discarded[0] > bodyLimit && request.version() != HttpVersion.HTTP_2) {
        request.connection().close();
      }
    });
    request.exceptionHandler(e -> { });
    request.resume();
  }
}

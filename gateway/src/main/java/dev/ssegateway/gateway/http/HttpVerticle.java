package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.hub.LoopHub;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One instance per event loop. Each holds a {@link LoopHub} for the connections its loop
 * accepts; Vert.x spreads accepted connections over the instances, which share the port.
 */
public final class HttpVerticle extends VerticleBase {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(HttpVerticle.class);
  /** How often moved server-side cursors are saved to the cluster, in one batch per loop. */
  static final long CURSOR_FLUSH_MS = 1000;
  /**
   * Largest kernel send buffer of a client socket. Left to the kernel, it grows to 4 MiB
   * (net.ipv4.tcp_wmem) for a client that stops reading, on top of SSE_CLIENT_QUEUE_BYTES: 1,000
   * stalled clients then hold gigabytes of kernel memory (charged to the node's cgroup) before
   * their queue even starts to fill. Fixed at the queue size, at most this, it bounds what the
   * kernel holds per client (Linux doubles it for its bookkeeping); 64 KiB still carries an
   * event stream at megabytes per second.
   */
  static final int MAX_SOCKET_SEND_BUFFER_BYTES = 64 * 1024;
  /** Least TCP user timeout: a peer may leave data unacknowledged this long before it is dropped. */
  static final int MIN_TCP_USER_TIMEOUT_MS = 10_000;

  private final NodeServices services;
  private final HttpGuards guards;
  private LoopHub loop;
  private HttpServer server;

  public HttpVerticle(NodeServices services, HttpGuards guards) {
    this.services = services;
    this.guards = guards;
  }

  public LoopHub loop() {
    return loop;
  }

  @Override
  public Future<?> start() {
    GatewayConfig config = services.config();
    loop = new LoopHub(context, services.hub(), services.metrics(), services.cluster()::saveCursors);
    services.hub().register(loop);
    loop.startHeartbeat(config.longValue(Setting.HEARTBEAT_MS));
    loop.startCursorFlush(CURSOR_FLUSH_MS);
    HttpServerOptions options = new HttpServerOptions()
        .setPort(config.intValue(Setting.HTTP_PORT))
        .setHost(config.string(Setting.HTTP_HOST))
        .setTcpKeepAlive(true)
        .setSendBufferSize(Math.min(config.intValue(Setting.CLIENT_QUEUE_BYTES), MAX_SOCKET_SEND_BUFFER_BYTES))
        .setTcpUserTimeout(tcpUserTimeoutMs(config.longValue(Setting.HEARTBEAT_MS)))
        .setCompressionSupported(false)
        .setMaxInitialLineLength(config.intValue(Setting.MAX_REQUEST_LINE))
        .setMaxHeaderSize(config.intValue(Setting.MAX_HEADER_BYTES))
        // One page may hold many event streams over one HTTP/2 connection.
        .setInitialSettings(new Http2Settings().setMaxConcurrentStreams(1000));
    if (config.isSet(Setting.TLS_CERT)) {
      options.setSsl(true).setUseAlpn(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.string(Setting.TLS_CERT))
          .setKeyPath(config.string(Setting.TLS_KEY)));
    }
    ConnectionSetup.closeSilentSockets(options, config);
    ConnectionSetup setup = new ConnectionSetup(config, options, guards.pending, services.metrics());
    server = vertx.createHttpServer(options).requestHandler(router()).invalidRequestHandler(this::invalidRequest)
        .connectionHandler(setup::setUp)
        .exceptionHandler(HttpVerticle::connectionFailed);
    return server.listen().onSuccess(s -> AcceptHook.install(s, options, guards.pending));
  }

  /**
   * How long sent bytes may stay unacknowledged before the kernel drops the connection
   * (TCP_USER_TIMEOUT, native transport). A client that vanished without a FIN or reset (power
   * loss, a NAT that forgot it) never acknowledges the next heartbeat; without this the kernel
   * retransmits for about 15 minutes (net.ipv4.tcp_retries2) before the write fails, and TCP
   * keepalive never starts because the heartbeats keep the connection busy. Twice the heartbeat
   * interval, at least {@value #MIN_TCP_USER_TIMEOUT_MS} ms.
   */
  static int tcpUserTimeoutMs(long heartbeatMs) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_TCP_USER_TIMEOUT_MS, 2 * heartbeatMs));
  }

  /**
   * Stops accepting connections; open ones stay until drained (or until {@code graceMs}).
   * Completes when every connection of this server has closed.
   */
  public Future<Void> stopAccepting(long graceMs) {
    return server.shutdown(graceMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> stop() {
    loop.stopTimers();
    services.hub().unregister(loop);
    return Future.succeededFuture();
  }

  private Router router() {
    Router router = Router.router(vertx);
    List<String> origins = services.config().list(Setting.CORS_ORIGINS);
    if (!origins.isEmpty()) {
      CorsHandler cors = CorsHandler.create()
          .addOrigins(origins)
          .allowCredentials(true)
          .maxAgeSeconds(services.config().intValue(Setting.CORS_MAX_AGE_SECONDS))
          .allowedMethods(Set.of(HttpMethod.GET, HttpMethod.POST, HttpMethod.OPTIONS))
          .allowedHeaders(Set.of("Authorization", "Content-Type", "Last-Event-ID", "Cache-Control", "Idempotency-Key"))
          .exposedHeaders(Set.of("Idempotent-Replayed", "Retry-After"));
      // Browsers send Origin on every POST, same-origin ones too: the gateway's own page must not
      // need to be listed. Vert.x's CorsHandler would refuse it with 403.
      router.route().handler(ctx -> {
        // The answer depends on the request's Origin (reflected or not): caches must key on it.
        ctx.response().putHeader("Vary", "Origin");
        if (isSameOrigin(ctx.request())) {
          ctx.next();
        } else {
          cors.handle(ctx);
        }
      });
    }
    router.get("/events").handler(new SubscribeHandler(services, loop));
    router.get("/presence").handler(new PresenceHandler(services, guards));
    router.get("/history").handler(new HistoryHandler(services));
    router.get("/openapi.yaml").handler(new OpenApiDocument());
    int maxData = services.config().intValue(Setting.MAX_DATA_BYTES);
    // JSON escaping can grow data up to six times (\\uXXXX); the parser enforces the real limit.
    long bodyLimit = maxData * 6L + 4096;
    // The gate decides from the headers alone (key, rate, size, budget) before one body byte is
    // read; then the body is read raw, as JSON whatever the Content-Type says.
    router.post("/publish").handler(new PublishGate(services, guards, bodyLimit))
        .handler(new PublishBody(bodyLimit))
        .handler(new PublishHandler(services));
    router.get("/health/live").handler(ctx -> json(ctx.response(), 200, new JsonObject().put("status", "up")));
    router.get("/health/ready").handler(ctx -> {
      JsonObject state = services.readiness().toJson();
      json(ctx.response(), state.getBoolean("ready") ? 200 : 503, state);
    });
    OperatorAccess operator = new OperatorAccess(services, guards);
    router.get("/metrics").handler(operator).handler(ctx -> ctx.response()
        .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
        .end(services.metrics().scrape()));
    router.get("/stats").handler(operator).handler(ctx -> services.cluster().stats().onComplete(ar -> {
      if (ar.succeeded()) {
        json(ctx.response(), 200, ar.result().toJson().put("node", services.config().nodeId()));
      } else {
        ErrorResponses.send(ctx.response(), 503, "cluster_unavailable",
            ErrorResponses.describe(ar.cause(), "The cluster state is unavailable"));
      }
    }));
    if (Boolean.parseBoolean(services.config().string(Setting.DEMO_PAGE))) {
      DemoPage demo = new DemoPage();
      router.get("/").handler(demo::serve);
    }
    router.errorHandler(404, ctx -> ErrorResponses.send(ctx.response(), 404, "not_found",
        "No such endpoint: " + ctx.request().method() + " " + ctx.request().path()));
    router.errorHandler(405, ctx -> ErrorResponses.send(ctx.response(), 405, "method_not_allowed",
        ctx.request().method() + " is not allowed on " + ctx.request().path()));
    router.errorHandler(413, ctx -> {
      services.metrics().refused("event_too_large");
      ErrorResponses.send(ctx.response(), 413, "event_too_large",
          "The request body is larger than this gateway accepts (SSE_MAX_DATA_BYTES)");
    });
    // The CORS handler refuses origins not in SSE_CORS_ORIGINS with 403.
    router.errorHandler(403, ctx -> {
      services.metrics().refused("cors_origin");
      ErrorResponses.send(ctx.response(), 403, "origin_not_allowed",
          "This origin is not allowed (SSE_CORS_ORIGINS)");
    });
    router.errorHandler(400, ctx -> ErrorResponses.send(ctx.response(), 400, "bad_request",
        ErrorResponses.describe(ctx.failure(), "The request could not be read")));
    router.errorHandler(500, UnexpectedErrors::handle);
    // Runs before the error handlers: a client that went away is no error to log at ERROR (as
    // vertx-web would, "Unhandled exception in router"), and a failure with a status code that
    // has no handler of its own still gets a JSON answer with an error id.
    router.route().failureHandler(ctx -> {
      int status = ctx.statusCode();
      if (UnexpectedErrors.isClientAbort(ctx.failure()) || (status == -1 && ctx.response().closed())) {
        UnexpectedErrors.handle(ctx);
      } else if (status == 400 || status == 403 || status == 413) {
        ctx.next();
      } else {
        UnexpectedErrors.handle(ctx);
      }
    });
    return router;
  }

  /** Whether the request's Origin is this server as the request addressed it (scheme, host, port). */
  static boolean isSameOrigin(HttpServerRequest request) {
    String origin = request.getHeader("Origin");
    HostAndPort authority = request.authority();
    if (origin == null || authority == null) {
      return false;
    }
    String scheme = request.scheme();
    int port = authority.port() >= 0 ? authority.port() : ("https".equals(scheme) ? 443 : 80);
    String self = scheme + "://" + authority.host().toLowerCase(Locale.ROOT)
        + (port == ("https".equals(scheme) ? 443 : 80) ? "" : ":" + port);
    return origin.toLowerCase(Locale.ROOT).equals(self);
  }

  /**
   * Requests Vert.x could not decode, answered before any route runs: a request line over
   * SSE_MAX_REQUEST_LINE (414), headers over SSE_MAX_HEADER_BYTES (431), or malformed HTTP (400).
   * Vert.x's default answers these with an empty body; this one says why, in JSON like every other
   * error, counts it, and closes the connection (its framing cannot be trusted).
   */
  private void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String code;
    String message;
    if (cause instanceof FramingViolation v) {
      status = v.status();
      code = v.code();
      message = v.getMessage();
    } else if (cause instanceof TooLongHttpLineException) {
      status = 414;
      code = "request_line_too_long";
      message = "The request line is longer than " + services.config().intValue(Setting.MAX_REQUEST_LINE) + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      code = "headers_too_large";
      message = "The request headers are larger than " + services.config().intValue(Setting.MAX_HEADER_BYTES) + " bytes";
    } else {
      status = 400;
      code = "malformed_request";
      message = "The request is not valid HTTP";
    }
    services.metrics().refused(code);
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(new JsonObject().put("error", code).put("message", message).encode())
        .onComplete(ar -> request.connection().close());
  }

  /** Failures of a connection outside any request: a client that reset or vanished is routine. */
  private static void connectionFailed(Throwable t) {
    // Malformed input (a decoder failure, answered 400 and closed) is the client's, not ours.
    if (UnexpectedErrors.isClientAbort(t) || t instanceof io.netty.handler.codec.DecoderException
        || t instanceof IllegalArgumentException) {
      log.debug("Connection failed: {}", t.toString());
    } else {
      log.warn("Connection failed: {}", t.toString());
    }
  }

  private static void json(io.vertx.core.http.HttpServerResponse response, int status, JsonObject body) {
    response.setStatusCode(status).putHeader("Content-Type", "application/json; charset=utf-8").end(body.encode());
  }
}

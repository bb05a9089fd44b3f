package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.TimeUnit;

/**
 * Fits each new connection with the gateway's own handlers: the one place that reaches into the
 * Netty pipeline Vert.x builds besides {@link AcceptHook} (names checked against Vert.x 5.0.x;
 * {@code RequestDeadlinesTest} and {@code StrictFramingTest} fail the build when they change).
 *
 * <p>Until a connection has sent its first byte Vert.x does not know whether it speaks HTTP/1.1
 * or h2c and gives it to no handler; the server's idle timeout, set to SSE_HEADER_TIMEOUT_MS,
 * closes such silent sockets. Once the protocol is known that timeout is removed (it would cut
 * event streams) and, for HTTP/1.x, {@link StrictRequestDecoder} and {@link RequestDeadlines}
 * take over. HTTP/2 connections keep an all-idle timeout of SSE_KEEPALIVE_IDLE_MS, at least
 * three heartbeats, so a stream's heartbeats keep it open.
 */
final class ConnectionSetup {
  static final String IDLE = "idle";
  static final String DECODER = "httpDecoder";
  static final String VERTX_HANDLER = "handler";
  static final String DEADLINES = "sse-deadlines";
  /** Vert.x's handler that looks at a plain-text connection's first request for an h2c upgrade. */
  static final String H2C_UPGRADE = "h2c";

  private final HttpServerOptions options;
  private final long headerMs;
  private final long bodyMs;
  private final long keepAliveMs;
  private final long http2IdleMs;
  private final PendingConnections pending;
  private final GatewayMetrics metrics;

  ConnectionSetup(GatewayConfig config, HttpServerOptions options, PendingConnections pending, GatewayMetrics metrics) {
    this.options = options;
    this.headerMs = config.longValue(Setting.HEADER_TIMEOUT_MS);
    this.bodyMs = config.longValue(Setting.BODY_TIMEOUT_MS);
    this.keepAliveMs = config.longValue(Setting.KEEPALIVE_IDLE_MS);
    this.http2IdleMs = Math.max(keepAliveMs, 3 * config.longValue(Setting.HEARTBEAT_MS));
    this.pending = pending;
    this.metrics = metrics;
  }

  /** The server options' part: silent sockets, before any protocol is known. */
  static HttpServerOptions closeSilentSockets(HttpServerOptions options, GatewayConfig config) {
    return options.setIdleTimeout((int) config.longValue(Setting.HEADER_TIMEOUT_MS))
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
  }

  void setUp(HttpConnection connection) {
    LeanConnections.shrink(connection);
    if (!(connection instanceof ConnectionBase base)) {
      return;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get(IDLE) != null) {
      pipeline.remove(IDLE);
    }
    if (pipeline.get(VERTX_HANDLER) == null) {
      return;
    }
    if (pipeline.get(DECODER) != null) {
      // With TLS this runs before any byte is decoded; on plain text AcceptHook already swapped
      // the decoder (here the first request is being decoded: never swap in the middle of it).
      if (!(pipeline.get(DECODER) instanceof StrictRequestDecoder) && pipeline.get(H2C_UPGRADE) == null) {
        pipeline.replace(DECODER, DECODER, new StrictRequestDecoder(options));
      }
      pipeline.addBefore(VERTX_HANDLER, DEADLINES,
          new RequestDeadlines(headerMs, bodyMs, keepAliveMs, pending, metrics::refused));
    } else {
      // HTTP/2: one connection carries many streams; it is governed by its idle timeout and
      // stream limits, not counted as a pending request (AcceptHook counted it at accept).
      pending.leave(base.channel());
      pipeline.addBefore(VERTX_HANDLER, DEADLINES, new IdleStateHandler(0, 0, http2IdleMs, TimeUnit.MILLISECONDS) {
        @Override
        protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
          metrics.refused("keepalive_idle");
          ctx.close();
        }
      });
    }
  }
}

package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.vertx.VertxInternals;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * Fits each new connection with the gateway's own handlers: the one place that changes the Netty
 * pipeline Vert.x builds besides {@link AcceptHook} (Vert.x's handler names and the channel come
 * from {@link VertxInternals}, whose test fails the build when they change).
 *
 * <p>Until a connection has sent its first byte Vert.x does not know whether it speaks HTTP/1.1
 * or h2c and gives it to no handler; the server's idle timeout, set to SSE_HEADER_TIMEOUT_MS,
 * closes such silent sockets. Once the protocol is known that timeout is removed (it would cut
 * event streams) and, for HTTP/1.x, {@link StrictRequestDecoder} and {@link RequestDeadlines}
 * take over. HTTP/2 connections keep an all-idle timeout of SSE_KEEPALIVE_IDLE_MS, at least
 * three heartbeats, so a stream's heartbeats keep it open.
 */
final class ConnectionSetup {
  static final String IDLE = VertxInternals.IDLE_HANDLER;
  static final String DECODER = VertxInternals.HTTP1_DECODER;
  static final String VERTX_HANDLER = VertxInternals.CONNECTION_HANDLER;
  static final String DEADLINES = "sse-deadlines";
  static final String H2C_UPGRADE = VertxInternals.H2C_UPGRADE_HANDLER;

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
    VertxInternals.shrinkWriteQueue(connection);
    ChannelPipeline pipeline = VertxInternals.newConnectionPipeline(connection);
    if (pipeline == null) {
      return;
    }
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
      pending.leave(pipeline.channel());
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

package dev.ssegateway.gateway.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Deadlines for each phase of an HTTP/1.x exchange, like nginx's client_header_timeout,
 * client_body_timeout and keepalive_timeout:
 * <ul>
 *   <li>request line and headers: {@code headerMs} from the connection's first byte (a client
 *       sending one byte a minute is closed, not only a silent one);
 *   <li>request body: at most {@code bodyMs} between two reads, then 408 and close;
 *   <li>between keep-alive requests: {@code keepAliveMs} after the last answer ended.
 * </ul>
 * While the gateway works on a request or streams its answer no deadline runs: an event stream is
 * long-lived by design, and its heartbeats plus the TCP user timeout find dead peers. A
 * connectionwide idle timeout (Vert.x's) would cut streams whose heartbeat is slower than it.
 *
 * <p>It also tells {@link PendingConnections} when the connection is an event stream (its answer
 * is {@code text/event-stream}) and when it is not.
 */
final class RequestDeadlines extends ChannelDuplexHandler {
  private enum Phase { HEAD, BODY, BUSY }

  private final long headerMs;
  private final long bodyMs;
  private final long keepAliveMs;
  private final PendingConnections pending;
  private final Consumer<String> onTimeout;
  private Phase phase = Phase.HEAD;
  private int unanswered;
  private boolean answerStarted;
  private boolean streaming;
  private ScheduledFuture<?> timer;

  /** @param onTimeout told the reason (header_timeout, body_timeout, keepalive_idle) on each close */
  RequestDeadlines(long headerMs, long bodyMs, long keepAliveMs, PendingConnections pending, Consumer<String> onTimeout) {
    this.headerMs = headerMs;
    this.bodyMs = bodyMs;
    this.keepAliveMs = keepAliveMs;
    this.pending = pending;
    this.onTimeout = onTimeout;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    pending.enter(ctx.channel());
    arm(ctx, headerMs, "header_timeout");
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (msg instanceof HttpRequest) {
      unanswered++;
      answerStarted = false;
      phase = Phase.BODY;
      arm(ctx, bodyMs, "body_timeout");
    }
    if (msg instanceof HttpContent && phase == Phase.BODY) {
      if (msg instanceof LastHttpContent) {
        phase = Phase.BUSY;
        cancel();
        if (unanswered == 0) {
          // Answered before its body ended (a refusal from the headers): now idle.
          phase = Phase.HEAD;
          arm(ctx, keepAliveMs, "keepalive_idle");
        }
      } else {
        arm(ctx, bodyMs, "body_timeout");
      }
    }
    super.channelRead(ctx, msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
    if (msg instanceof HttpResponse response && response.status().code() >= 200) {
      answerStarted = true;
      String type = response.headers().get(HttpHeaderNames.CONTENT_TYPE);
      if (!(msg instanceof LastHttpContent) && type != null && type.startsWith("text/event-stream")) {
        streaming = true;
        pending.leave(ctx.channel());
      }
    }
    if (msg instanceof LastHttpContent) {
      answered(ctx);
    }
    super.write(ctx, msg, promise);
  }

  private void answered(ChannelHandlerContext ctx) {
    if (streaming) {
      streaming = false;
      pending.enter(ctx.channel());
    }
    if (unanswered > 0) {
      unanswered--;
    }
    if (unanswered == 0 && phase == Phase.BUSY) {
      phase = Phase.HEAD;
      arm(ctx, keepAliveMs, "keepalive_idle");
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    pending.leave(ctx.channel());
    super.channelInactive(ctx);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void arm(ChannelHandlerContext ctx, long ms, String reason) {
    cancel();
    timer = ctx.executor().schedule(() -> expire(ctx, reason), ms, TimeUnit.MILLISECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expire(ChannelHandlerContext ctx, String reason) {
    timer = null;
    onTimeout.accept(reason);
    if (phase == Phase.BODY && !answerStarted) {
      ctx.writeAndFlush(requestTimeout()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private FullHttpResponse requestTimeout() {
    byte[] body = ("{\"error\":\"body_timeout\",\"message\":\"The request body stalled for more than "
        + bodyMs + " ms\"}").getBytes(StandardCharsets.UTF_8);
    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
        Unpooled.wrappedBuffer(body));
    r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close");
    return r;
  }
}

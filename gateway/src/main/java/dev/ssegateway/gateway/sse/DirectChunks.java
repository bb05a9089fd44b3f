package dev.ssegateway.gateway.sse;

import dev.ssegateway.gateway.vertx.VertxInternals;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.ssl.SslHandler;
import io.vertx.core.http.HttpServerRequest;

/**
 * The fan-out's write path for one HTTP/1.x stream: shared, pre-framed chunks go to the socket
 * without Vert.x's per-write future and chunk header, and without flushing. On a plain TCP
 * connection they enter the channel at its head (no handler has anything to add to bytes that are
 * already framed); under TLS they enter right below the HTTP encoder, so the TLS handler still
 * encrypts them.
 *
 * <p>Order with Vert.x's own writes (headers, replay) holds because both write synchronously on
 * the connection's event loop, and Vert.x flushes its writes at once outside a read (direct
 * writes only happen in the loop's own tasks, never while this connection is being read).
 */
final class DirectChunks {
  private final Channel channel;
  private final ChannelHandlerContext belowEncoder;

  private DirectChunks(Channel channel, ChannelHandlerContext belowEncoder) {
    this.channel = channel;
    this.belowEncoder = belowEncoder;
  }

  /** The direct path for this request, or null when it has none (HTTP/2, unknown pipeline). */
  static DirectChunks of(HttpServerRequest request) {
    Channel channel = VertxInternals.directChannel(request);
    if (channel == null) {
      return null;
    }
    ChannelHandlerContext encoder = channel.pipeline().context(HttpResponseEncoder.class);
    return new DirectChunks(channel, channel.pipeline().get(SslHandler.class) != null ? encoder : null);
  }

  boolean writable() {
    return channel.isWritable();
  }

  /** Queues a duplicate of {@code chunk} (own read position, same memory); no flush. */
  void write(ByteBuf chunk) {
    if (belowEncoder != null) {
      belowEncoder.write(chunk.duplicate(), belowEncoder.voidPromise());
    } else {
      VertxInternals.writeAtHead(channel, chunk.duplicate());
    }
  }

  void flush() {
    if (belowEncoder != null) {
      belowEncoder.flush();
    } else {
      VertxInternals.flushAtHead(channel);
    }
  }
}

package dev.ssegateway.gateway.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.net.impl.NetServerImpl;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link StrictRequestDecoder} in place before the first byte of a plain-text connection is
 * decoded. On a plain-text port Vert.x first waits to see whether a connection speaks HTTP/1.1 or
 * h2c (prior knowledge), then builds the HTTP/1.x pipeline and decodes the first request, and
 * only then calls the server's connection handler: too late to make the first request's framing
 * strict, and the first request on a new connection is all a smuggler needs. So this hook sits on
 * the listening socket, sees each accepted connection before Vert.x does, and puts a handler in
 * front of it that feeds Vert.x's protocol detection one byte at a time until it has decided,
 * then swaps the decoder it built (Netty hands the swapped decoder's bytes to the new one).
 *
 * <p>It also counts each accepted connection as pending ({@link PendingConnections}) from the
 * moment it is accepted, before Vert.x has seen a byte of it.
 *
 * <p>Reaches into Vert.x internals (checked against 5.0.x; {@code StrictFramingTest} fails when
 * they change: the first request would be decoded leniently). With TLS the connection handler
 * runs before any request is decoded, so none of this is needed there.
 */
final class AcceptHook extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(AcceptHook.class);
  static final String NAME = "sse-accept";
  static final String FIRST_BYTES = "sse-first-bytes";

  private final HttpServerOptions options;
  private final PendingConnections pending;

  private AcceptHook(HttpServerOptions options, PendingConnections pending) {
    this.options = options;
    this.pending = pending;
  }

  @Override
  public boolean isSharable() {
    return true;
  }

  /** Installs the hook on the listening socket of {@code server} (after it listens); false if it cannot. */
  static boolean install(HttpServer server, HttpServerOptions options, PendingConnections pending) {
    if (options.isSsl()) {
      return true;
    }
    try {
      Object tcp = field(HttpServerImpl.class, "tcpServer").get(server);
      Object actual = field(NetServerImpl.class, "actualServer").get(tcp);
      @SuppressWarnings("unchecked")
      Future<Channel> bound = (Future<Channel>) field(NetServerImpl.class, "bindFuture").get(actual != null ? actual : tcp);
      ChannelPipeline pipeline = bound.result().pipeline();
      synchronized (AcceptHook.class) {
        if (pipeline.get(NAME) == null) {
          pipeline.addFirst(NAME, new AcceptHook(options, pending));
        }
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("Cannot hook accepted connections (Vert.x internals changed?): the first request of each"
          + " plain-text connection is decoded without strict framing: {}", e.toString());
      return false;
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof Channel child) {
      // Counted from accept: a socket that never sends a complete head holds a descriptor too.
      pending.enter(child);
      child.closeFuture().addListener(f -> pending.leave(child));
      child.pipeline().addFirst(FIRST_BYTES, new FirstBytes(options));
    }
    ctx.fireChannelRead(msg);
  }

  /** Feeds protocol detection byte by byte, then swaps in the strict decoder and leaves. */
  private static final class FirstBytes extends ChannelInboundHandlerAdapter {
    private final HttpServerOptions options;

    FirstBytes(HttpServerOptions options) {
      this.options = options;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (!(msg instanceof ByteBuf buf)) {
        ctx.fireChannelRead(msg);
        return;
      }
      ChannelPipeline pipeline = ctx.pipeline();
      while (buf.isReadable() && pipeline.get(Http1xOrH2CHandler.class) != null) {
        ctx.fireChannelRead(buf.readRetainedSlice(1));
      }
      if (pipeline.get(Http1xOrH2CHandler.class) == null) {
        ChannelHandler decoder = pipeline.get(ConnectionSetup.DECODER);
        if (decoder != null && !(decoder instanceof StrictRequestDecoder)) {
          pipeline.replace(ConnectionSetup.DECODER, ConnectionSetup.DECODER, new StrictRequestDecoder(options));
        }
        pipeline.remove(this);
      }
      if (buf.isReadable()) {
        ctx.fireChannelRead(buf);
      } else {
        buf.release();
      }
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}

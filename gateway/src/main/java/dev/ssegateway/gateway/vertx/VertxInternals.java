package dev.ssegateway.gateway.vertx;

import static dev.ssegateway.gateway.vertx.HookReport.active;
import static dev.ssegateway.gateway.vertx.HookReport.inactive;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.impl.Http1xOrH2CHandler;
import io.vertx.core.http.impl.HttpServerImpl;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.internal.concurrent.OutboundMessageQueue;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.core.net.impl.NetServerImpl;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.streams.impl.MessagePassingQueue;
import java.lang.reflect.Field;
import java.util.Map;
import java.util.Queue;

/**
 * Every use of Vert.x and Netty internals in the gateway, in one place (checked against Vert.x
 * 5.0.10 / Netty 4.2.x). Each one buys memory, speed or strict framing, and each has a fallback
 * that keeps the gateway working when a Vert.x upgrade changes the internal, at a cost. So that
 * such a fallback is never silent, every {@link Hook} reports its state ({@link #hooks()}):
 * UNCHECKED until first used, then ACTIVE, or INACTIVE with the reason (sticky: one failure is
 * enough, and it is logged as a warning). {@code VertxInternalsTest} fails the build when any hook is not
 * ACTIVE on the pinned versions.
 *
 * <p>The one exception is {@code http.StrictRequestDecoder}, which subclasses Vert.x's internal
 * {@code VertxHttpRequestDecoder}: a subclass cannot live behind a method, and a change there
 * breaks compilation rather than falling back (its behaviour is pinned by StrictFramingTest).
 */
public final class VertxInternals {
  /** Vert.x's names for handlers in a connection's Netty pipeline (Vert.x 5.0.x). */
  public static final String IDLE_HANDLER = "idle";
  public static final String HTTP1_DECODER = "httpDecoder";
  public static final String CONNECTION_HANDLER = "handler";
  /** The handler that looks at a plain-text connection's first request for an h2c upgrade. */
  public static final String H2C_UPGRADE_HANDLER = "h2c";

  private VertxInternals() {}

  /** Each hook's state in this JVM. */
  public static Map<Hook, HookStatus> hooks() {
    return HookReport.snapshot();
  }

  /** One entry per hook, for the log. */
  public static String describe() {
    return HookReport.describe();
  }

  // --- connection-channel, pipeline-names, linger0-abort ---

  /** The Netty channel of an HTTP connection (Vert.x's ConnectionBase), or null. */
  public static Channel channel(HttpConnection connection) {
    if (connection instanceof ConnectionBase base) {
      active(Hook.CONNECTION_CHANNEL);
      return base.channel();
    }
    inactive(Hook.CONNECTION_CHANNEL, "connection is a " + connection.getClass().getName() + ", not a ConnectionBase");
    return null;
  }

  /**
   * The pipeline of a new connection, checked for the handler names the gateway relies on (call
   * from the server's connection handler, before any handler is changed); null without a channel.
   */
  public static ChannelPipeline newConnectionPipeline(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel == null) {
      return null;
    }
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(CONNECTION_HANDLER) == null) {
      inactive(Hook.PIPELINE_NAMES, "no '" + CONNECTION_HANDLER + "' handler in " + pipeline.names());
    } else if (pipeline.get(IDLE_HANDLER) == null) {
      inactive(Hook.PIPELINE_NAMES, "no '" + IDLE_HANDLER + "' handler in " + pipeline.names());
    } else {
      active(Hook.PIPELINE_NAMES);
    }
    // What abort() needs, checked on every connection so its state is known before a slow client.
    if (channel.isActive() && pipeline.firstContext() == null) {
      inactive(Hook.LINGER0_ABORT, "empty pipeline");
    } else {
      active(Hook.LINGER0_ABORT);
    }
    return pipeline;
  }

  /**
   * Drops an HTTP/1.x connection at once with what is queued for it: a close from the head of the
   * pipeline skips Vert.x's wait for queued writes to reach the socket (which for a client that
   * stopped reading is never), and linger 0 makes it a TCP reset, so the kernel frees the socket's
   * buffer too. False if it cannot (the caller falls back to Vert.x's reset).
   */
  public static boolean abort(HttpConnection connection) {
    Channel channel = channel(connection);
    if (channel == null) {
      inactive(Hook.LINGER0_ABORT, "no channel");
      return false;
    }
    ChannelHandlerContext first = channel.pipeline().firstContext();
    if (channel.isActive() && first != null) {
      channel.config().setOption(ChannelOption.SO_LINGER, 0);
      first.close();
    }
    return true;
  }

  // --- direct-chunks ---

  /**
   * The channel to write pre-framed chunks to for this request, or null when it has no direct path
   * (HTTP/2, or a pipeline without Netty's HTTP/1.x response encoder).
   */
  public static Channel directChannel(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2) {
      return null;
    }
    Channel channel = channel(request.connection());
    if (channel == null) {
      inactive(Hook.DIRECT_CHUNKS, "no channel");
      return null;
    }
    if (channel.pipeline().context(HttpResponseEncoder.class) == null) {
      inactive(Hook.DIRECT_CHUNKS, "no HttpResponseEncoder in " + channel.pipeline().names());
      return null;
    }
    active(Hook.DIRECT_CHUNKS);
    return channel;
  }

  /**
   * Queues {@code chunk} at the head of the pipeline (Channel.unsafe(): no handler has anything to
   * add to bytes that are already framed, and no promise is made); no flush.
   */
  public static void writeAtHead(Channel channel, ByteBuf chunk) {
    channel.unsafe().write(chunk, channel.voidPromise());
  }

  public static void flushAtHead(Channel channel) {
    channel.unsafe().flush();
  }

  // --- shared-buffer ---

  /** A Vert.x Buffer over {@code buf} itself (no copy), so one buffer can be written to many responses. */
  public static Buffer wrap(ByteBuf buf) {
    Buffer buffer = BufferInternal.buffer(buf);
    if (buffer instanceof BufferInternal internal && internal.getByteBuf().isDirect() == buf.isDirect()) {
      active(Hook.SHARED_BUFFER);
    } else {
      inactive(Hook.SHARED_BUFFER, "the wrapped buffer is not the one given");
    }
    return buffer;
  }

  // --- lean-write-queue ---

  /**
   * Each Vert.x connection creates an outbound message queue whose first chunk has 1024 slots
   * (about 4.6 KiB), sized for bulk transfers; an SSE connection writes small events from its own
   * event loop and never needs more than a few. With 100k connections that chunk alone is 460
   * MiB, so a new connection gets a queue that starts at 16 slots and grows the same way when it must.
   */
  private static final int FIRST_CHUNK_SLOTS = 16;
  private static final Field OUTBOUND = fieldOrNull(VertxConnection.class, "outboundMessageQueue");
  private static final Field MPQ = fieldOrNull(OutboundMessageQueue.class, "mqp");
  private static final Field QUEUE = fieldOrNull(MessagePassingQueue.class, "queue");

  /** Call when the connection is created, before anything is written to it. */
  public static void shrinkWriteQueue(HttpConnection connection) {
    if (OUTBOUND == null || MPQ == null || QUEUE == null) {
      inactive(Hook.LEAN_WRITE_QUEUE, "a private field is gone");
      return;
    }
    if (HookReport.isInactive(Hook.LEAN_WRITE_QUEUE)) {
      return;
    }
    if (!(connection instanceof VertxConnection)) {
      return; // HTTP/2 streams share their connection's queue: nothing to shrink here
    }
    try {
      Object outbound = OUTBOUND.get(connection);
      Object mpq = outbound == null ? null : MPQ.get(outbound);
      if (mpq == null) {
        inactive(Hook.LEAN_WRITE_QUEUE, "no outbound queue on " + connection.getClass().getName());
        return;
      }
      if (!((Queue<?>) QUEUE.get(mpq)).isEmpty()) {
        return;
      }
      QUEUE.set(mpq, PlatformDependent.newMpscQueue(FIRST_CHUNK_SLOTS, 1 << 30));
      active(Hook.LEAN_WRITE_QUEUE);
    } catch (ReflectiveOperationException | RuntimeException e) {
      inactive(Hook.LEAN_WRITE_QUEUE, e.toString());
    }
  }

  // --- accept-hook, protocol-detection ---

  /**
   * The listening socket's channel of a server that listens (through HttpServerImpl.tcpServer,
   * NetServerImpl.actualServer and its bindFuture), or null if the internals changed.
   */
  public static Channel listeningChannel(HttpServer server) {
    try {
      Object tcp = field(HttpServerImpl.class, "tcpServer").get(server);
      Object actual = field(NetServerImpl.class, "actualServer").get(tcp);
      @SuppressWarnings("unchecked")
      Future<Channel> bound = (Future<Channel>) field(NetServerImpl.class, "bindFuture").get(actual != null ? actual : tcp);
      Channel channel = bound.result();
      if (channel == null) {
        inactive(Hook.ACCEPT_HOOK, "the server is not bound");
        return null;
      }
      active(Hook.ACCEPT_HOOK);
      return channel;
    } catch (ReflectiveOperationException | RuntimeException e) {
      inactive(Hook.ACCEPT_HOOK, e.toString());
      return null;
    }
  }

  /** True while Vert.x is still finding out whether a plain-text connection speaks HTTP/1.1 or h2c. */
  public static boolean detectingProtocol(ChannelPipeline pipeline) {
    return pipeline.get(Http1xOrH2CHandler.class) != null;
  }

  /** Reports how protocol detection went on a connection (the accept hook's caller checks it). */
  public static void protocolDetection(boolean worked, String reason) {
    if (worked) {
      active(Hook.PROTOCOL_DETECTION);
    } else {
      inactive(Hook.PROTOCOL_DETECTION, reason);
    }
  }

  private static Field fieldOrNull(Class<?> type, String name) {
    try {
      return field(type, name);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Field field(Class<?> type, String name) throws NoSuchFieldException {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f;
  }
}

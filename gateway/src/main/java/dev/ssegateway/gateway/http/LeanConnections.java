package dev.ssegateway.gateway.http;

import io.netty.util.internal.PlatformDependent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.concurrent.OutboundMessageQueue;
import io.vertx.core.net.impl.VertxConnection;
import io.vertx.core.streams.impl.MessagePassingQueue;
import java.lang.reflect.Field;
import java.util.Queue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shrinks what Vert.x allocates per connection. Each Vert.x connection creates an outbound
 * message queue whose first chunk has 1024 slots (about 4.6 KiB), sized for bulk transfers; an
 * SSE connection writes small events from its own event loop and never needs more than a few
 * slots. With 100k connections that chunk alone is 460 MiB, most of a node's memory, so a new
 * connection gets a queue that starts at 16 slots and grows the same way when it must.
 *
 * <p>This reaches into Vert.x internals (checked against Vert.x 5.0.x). If they change, the
 * first attempt logs a warning and connections simply keep Vert.x's default queue.
 */
final class LeanConnections {
  private static final Logger log = LoggerFactory.getLogger(LeanConnections.class);
  private static final int FIRST_CHUNK_SLOTS = 16;

  private static final Field OUTBOUND = field(VertxConnection.class, "outboundMessageQueue");
  private static final Field MPQ = field(OutboundMessageQueue.class, "mqp");
  private static final Field QUEUE = field(MessagePassingQueue.class, "queue");
  private static volatile boolean disabled = OUTBOUND == null || MPQ == null || QUEUE == null;

  private LeanConnections() {}

  /** Call when the connection is created, before anything is written to it. */
  static void shrink(HttpConnection connection) {
    if (disabled || !(connection instanceof VertxConnection)) {
      return;
    }
    try {
      Object outbound = OUTBOUND.get(connection);
      Object mpq = outbound == null ? null : MPQ.get(outbound);
      if (mpq == null || !((Queue<?>) QUEUE.get(mpq)).isEmpty()) {
        return;
      }
      QUEUE.set(mpq, PlatformDependent.newMpscQueue(FIRST_CHUNK_SLOTS, 1 << 30));
    } catch (ReflectiveOperationException | RuntimeException e) {
      disabled = true;
      log.warn("Keeping Vert.x's default per-connection write queue (about 4.6 KiB more per connection): {}",
          e.toString());
    }
  }

  private static Field field(Class<?> type, String name) {
    try {
      Field f = type.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }
}

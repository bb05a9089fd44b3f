package dev.ssegateway.gateway.sse;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the connection lifecycle on logger {@code sse.connections}: opens (debug), ends with the
 * client's address, topics and reason (info for notable reasons such as slow_consumer, debug for
 * ordinary ones), at most a few lines per second so that a reconnect storm cannot flood the log;
 * it says how many lines it held back.
 */
final class ConnectionLog {
  private static final Logger log = LoggerFactory.getLogger("sse.connections");
  private static final long WINDOW_MS = 1000;
  private static final int LINES_PER_WINDOW = 10;

  private static final AtomicLong windowStart = new AtomicLong();
  private static final AtomicLong linesInWindow = new AtomicLong();
  private static final AtomicLong suppressed = new AtomicLong();

  private ConnectionLog() {}

  static void opened(SseConnection c) {
    if (log.isDebugEnabled() && allowLine()) {
      log.debug("Connected {} topics={}", c.remoteAddress(), Arrays.toString(c.topics()));
    }
  }

  static void log(DisconnectReason reason, SseConnection c) {
    boolean notable = reason != DisconnectReason.CLIENT_CLOSED && reason != DisconnectReason.DRAINING;
    if (!(notable ? log.isInfoEnabled() : log.isDebugEnabled()) || !allowLine()) {
      return;
    }
    String topics = Arrays.toString(c.topics());
    if (notable) {
      log.info("Disconnected {} reason={} topics={}", c.remoteAddress(), reason.tag(), topics);
    } else {
      log.debug("Disconnected {} reason={} topics={}", c.remoteAddress(), reason.tag(), topics);
    }
  }

  /** Whether one more line fits in this second's budget; reports the lines held back before. */
  private static boolean allowLine() {
    long now = System.currentTimeMillis();
    long start = windowStart.get();
    if (now - start >= WINDOW_MS && windowStart.compareAndSet(start, now)) {
      linesInWindow.set(0);
      long held = suppressed.getAndSet(0);
      if (held > 0) {
        log.info("{} connection log lines suppressed in the last second(s) (see sse_disconnects_total)", held);
      }
    }
    if (linesInWindow.incrementAndGet() > LINES_PER_WINDOW) {
      suppressed.incrementAndGet();
      return false;
    }
    return true;
  }
}

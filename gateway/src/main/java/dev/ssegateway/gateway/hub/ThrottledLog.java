package dev.ssegateway.gateway.hub;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A WARN line that repeats per topic, at most {@code linesPerWindow} times per window; the rest
 * are counted and reported in one line when the next window opens. A client that opens 1,000
 * streams of 16 new topics each made Redis confirm 16,000 subscriptions at once: those that
 * timed out were logged one line per topic per retry (5,940 WARN lines).
 */
public final class ThrottledLog {
  private final Logger log;
  private final String what;
  private final int linesPerWindow;
  private final long windowMs;
  private final AtomicLong windowStart = new AtomicLong();
  private final AtomicLong linesInWindow = new AtomicLong();
  private final AtomicLong suppressed = new AtomicLong();

  public ThrottledLog(Logger log, String what, int linesPerWindow, long windowMs) {
    this.log = log;
    this.what = what;
    this.linesPerWindow = linesPerWindow;
    this.windowMs = windowMs;
  }

  public void warn(String format, Object... args) {
    long now = System.currentTimeMillis();
    long start = windowStart.get();
    if (now - start >= windowMs && windowStart.compareAndSet(start, now)) {
      linesInWindow.set(0);
      long held = suppressed.getAndSet(0);
      if (held > 0) {
        log.warn("{} more '{}' lines suppressed in the last {} s", held, what, (now - start) / 1000);
      }
    }
    if (linesInWindow.incrementAndGet() > linesPerWindow) {
      suppressed.incrementAndGet();
      return;
    }
    log.warn(format, args);
  }
}

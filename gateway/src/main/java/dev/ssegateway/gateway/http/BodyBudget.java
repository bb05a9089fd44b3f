package dev.ssegateway.gateway.http;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes the node may hold for request bodies in flight, all requests together
 * (SSE_MAX_BUFFERED_BYTES). Each publish reserves its declared Content-Length (the per-request
 * limit when chunked) before a byte is read and gives it back when its answer ends, so 500
 * clients that each send 390 KB and stall hold at most this much heap, not 500 x 390 KB.
 */
final class BodyBudget {
  private final long max;
  private final AtomicLong reserved = new AtomicLong();

  BodyBudget(long max) {
    this.max = max;
  }

  /** Reserves {@code bytes}; false (nothing reserved) when that would pass the budget. */
  boolean reserve(long bytes) {
    while (true) {
      long now = reserved.get();
      if (now + bytes > max) {
        return false;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        return true;
      }
    }
  }

  void release(long bytes) {
    reserved.addAndGet(-bytes);
  }

  long reserved() {
    return reserved.get();
  }
}

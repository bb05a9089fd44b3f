package dev.ssegateway.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per publisher identity (the publish key, or a token's {@code sub}): up to
 * {@code ratePerSecond} publishes per second, with bursts of the same size. Per node: a
 * publisher spread over N nodes by a load balancer gets up to N times the rate.
 */
public final class PublishRateLimiter {
  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final int ratePerSecond;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public PublishRateLimiter(int ratePerSecond) {
    this.ratePerSecond = ratePerSecond;
  }

  /** Returns 0 when the publish may go ahead, else the seconds to wait (for Retry-After). */
  public long acquire(String identity) {
    if (ratePerSecond <= 0) {
      return 0;
    }
    if (buckets.size() > 100_000) {
      buckets.clear(); // bound memory under identity churn; worst case a burst is forgiven
    }
    Bucket b = buckets.computeIfAbsent(identity, k -> {
      Bucket nb = new Bucket();
      nb.tokens = ratePerSecond;
      nb.lastNanos = System.nanoTime();
      return nb;
    });
    synchronized (b) {
      long now = System.nanoTime();
      b.tokens = Math.min(ratePerSecond, b.tokens + (now - b.lastNanos) / 1e9 * ratePerSecond);
      b.lastNanos = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / ratePerSecond));
    }
  }
}

package dev.ssegateway.gateway.limits;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per publisher identity (the publish key, or a token's {@code sub}): up to
 * {@code ratePerSecond} publishes per second, with bursts of the same size. Per node: a
 * publisher spread over N nodes by a load balancer gets up to N times the rate.
 *
 * <p>Also counts failed publish authentications per client address ({@link #check} before the
 * credential is looked at, {@link #acquire} on each failure), with a burst of its own size.
 */
public final class PublishRateLimiter {
  private static final class Bucket {
    double tokens;
    long lastNanos;
  }

  private final int ratePerSecond;
  private final int burst;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public PublishRateLimiter(int ratePerSecond) {
    this(ratePerSecond, ratePerSecond);
  }

  /** @param burst how many may come at once after a quiet spell (the bucket's size) */
  public PublishRateLimiter(int ratePerSecond, int burst) {
    this.ratePerSecond = ratePerSecond;
    this.burst = Math.max(1, burst);
  }

  /** Seconds until {@code identity} may go again (0: now), without taking a token. */
  public long check(String identity) {
    if (ratePerSecond <= 0) {
      return 0;
    }
    Bucket b = buckets.get(identity);
    if (b == null) {
      return 0;
    }
    synchronized (b) {
      double tokens = Math.min(burst, b.tokens + (System.nanoTime() - b.lastNanos) / 1e9 * ratePerSecond);
      return tokens >= 1 ? 0 : Math.max(1, (long) Math.ceil((1 - tokens) / ratePerSecond));
    }
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
      nb.tokens = burst;
      nb.lastNanos = System.nanoTime();
      return nb;
    });
    synchronized (b) {
      long now = System.nanoTime();
      b.tokens = Math.min(burst, b.tokens + (now - b.lastNanos) / 1e9 * ratePerSecond);
      b.lastNanos = now;
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - b.tokens) / ratePerSecond));
    }
  }
}

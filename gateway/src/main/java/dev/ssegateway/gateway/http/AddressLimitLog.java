package dev.ssegateway.gateway.http;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line a minute at most when addresses hit the per-address limit: enough for an operator
 * who forgot {@code SSE_TRUSTED_PROXIES} (every client then shares the proxy's address) to see
 * why, without letting one address flood the log. The count of refusals is in
 * {@code sse_requests_refused_total{reason="address_connections"}}.
 */
final class AddressLimitLog {
  private static final Logger log = LoggerFactory.getLogger(AddressLimitLog.class);
  private static final long INTERVAL_MS = 60_000;
  private static final AtomicLong lastLine = new AtomicLong(-INTERVAL_MS);

  private AddressLimitLog() {}

  static void refused(String address, int limit) {
    long now = System.currentTimeMillis();
    long last = lastLine.get();
    if (now - last >= INTERVAL_MS && lastLine.compareAndSet(last, now)) {
      log.warn("Address {} holds its {} streams on this node; further streams get 429. If it is a proxy or"
          + " load balancer, list it in SSE_TRUSTED_PROXIES (refusals: sse_requests_refused_total, reason address_connections)",
          address, limit);
    }
  }
}

package dev.ssegateway.gateway.sse;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.testkit.RedisServer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Not part of the default build (no {@code Test} suffix): measures what holding the headers until
 * the stream's start is fixed costs. Run it on two commits, one after the other, on the same
 * machine: {@code ./mvnw -pl gateway -am -Dtest=TimeToFirstByteBench -Dsurefire.failIfNoSpecifiedTests=false verify}.
 * Prints, for a topic new to the node and for one it already carries, the time from sending the
 * request to the response headers and to the first id line (where the stream's position shows).
 */
class TimeToFirstByteBench {
  private static final int OPENS = Integer.getInteger("ttfb.opens", 400);

  @Test
  void timeToHeadersAndToFirstId() {
    try (RedisServer redis = RedisServer.start(); Gateways gateways = new Gateways()) {
      List<GatewayNode> nodes = gateways.start(1, redis.url(), Map.of());
      int port = nodes.get(0).port();
      measure(port, "warm-up", i -> "warm-" + i);
      measure(port, "redis, topic new to the node", i -> "ttfb-new-" + i);
      try (RawSseStream holder = RawSseStream.open(port, "/events?topic=carried")) {
        holder.awaitLive(Duration.ofSeconds(10));
        measure(port, "redis, topic the node carries", i -> "carried");
      }
    }
  }

  private static void measure(int port, String what, java.util.function.IntFunction<String> topic) {
    long[] headers = new long[OPENS];
    long[] firstId = new long[OPENS];
    for (int i = 0; i < OPENS; i++) {
      long start = System.nanoTime();
      try (RawSseStream s = RawSseStream.open(port, "/events?topic=" + topic.apply(i))) {
        headers[i] = System.nanoTime() - start;
        long deadline = start + Duration.ofSeconds(10).toNanos();
        while (s.lastEventId().isEmpty() && System.nanoTime() < deadline) {
          java.util.concurrent.locks.LockSupport.parkNanos(100_000); // 0.1 ms: finer than awaitLive's 10 ms
        }
        firstId[i] = System.nanoTime() - start;
      }
    }
    Arrays.sort(headers);
    Arrays.sort(firstId);
    System.out.printf("[ttfb] %-32s %d opens: headers p50 %.2f ms p99 %.2f ms; first id p50 %.2f ms p99 %.2f ms%n",
        what, OPENS, ms(headers, 0.5), ms(headers, 0.99), ms(firstId, 0.5), ms(firstId, 0.99));
  }

  private static double ms(long[] sorted, double p) {
    return sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))] / 1e6;
  }
}

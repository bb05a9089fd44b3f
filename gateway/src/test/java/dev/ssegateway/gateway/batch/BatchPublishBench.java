package dev.ssegateway.gateway.batch;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Not part of the default build (no {@code Test} suffix): what a batch saves a publisher, and
 * what an Idempotency-Key costs. One node on a real redis-server, one HTTP client, sequential:
 * {@code ./mvnw -pl gateway -am -Dtest=BatchPublishBench -Dsurefire.failIfNoSpecifiedTests=false verify}.
 * Prints events per second for 2,000 events sent one per request, in batches of 100, and one
 * per request with an Idempotency-Key each.
 */
class BatchPublishBench {
  private static final int EVENTS = Integer.getInteger("bench.events", 2000);

  @Test
  void eventsPerSecond() {
    try (RedisServer redis = RedisServer.start(); Gateways gateways = new Gateways()) {
      List<GatewayNode> nodes = gateways.start(1, redis.url(), Map.of("SSE_PUBLISH_RATE", "0"));
      int port = nodes.get(0).port();
      run(port, "warm-up, single", 1, false);
      run(port, "single events", 1, false);
      run(port, "batches of 100", 100, false);
      run(port, "single events, Idempotency-Key each", 1, true);
      run(port, "batches of 100, Idempotency-Key each", 100, true);
    }
  }

  private static void run(int port, String what, int perRequest, boolean keyed) {
    String topic = "bench-" + UUID.randomUUID();
    long start = System.nanoTime();
    for (int sent = 0; sent < EVENTS; sent += perRequest) {
      Object body;
      if (perRequest == 1) {
        body = new JsonObject().put("topic", topic).put("data", "event " + sent);
      } else {
        JsonArray batch = new JsonArray();
        for (int i = 0; i < perRequest; i++) {
          batch.add(new JsonObject().put("topic", topic).put("data", "event " + (sent + i)));
        }
        body = batch;
      }
      HttpResponse<String> r = BatchPublishContract.post(port, body.toString(), keyed ? UUID.randomUUID().toString() : null);
      if (r.statusCode() != 200) {
        throw new AssertionError(r.body());
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("BatchPublishBench: %-40s %,d events in %.2f s = %,.0f events/s%n", what, EVENTS, seconds,
        EVENTS / seconds);
  }
}

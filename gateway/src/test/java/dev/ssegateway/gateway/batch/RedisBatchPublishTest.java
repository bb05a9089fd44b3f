package dev.ssegateway.gateway.batch;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.testkit.RedisServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Batch publish and Idempotency-Key across two nodes sharing a real redis-server")
class RedisBatchPublishTest extends BatchPublishContract {
  private static RedisServer redis;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    nodes = gateways.start(2, redis.url(), Map.of("SSE_MAX_BATCH_EVENTS", Integer.toString(MAX_BATCH)));
  }

  @AfterAll
  static void stop() {
    gateways.close();
    redis.close();
  }

  @Override
  protected int port(int i) {
    return nodes.get(i % 2).port();
  }
}

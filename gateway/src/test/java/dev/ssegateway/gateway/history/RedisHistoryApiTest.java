package dev.ssegateway.gateway.history;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.testkit.RedisServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("GET /history on a node with a real redis-server")
class RedisHistoryApiTest extends HistoryApiContract {
  private static RedisServer redis;
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    List<GatewayNode> nodes = gateways.start(1, redis.url(), Map.of("SSE_HISTORY_SIZE", Integer.toString(HISTORY_SIZE)));
    node = nodes.get(0);
  }

  @AfterAll
  static void stop() {
    gateways.close();
    redis.close();
  }

  @Override
  protected int port() {
    return node.port();
  }
}

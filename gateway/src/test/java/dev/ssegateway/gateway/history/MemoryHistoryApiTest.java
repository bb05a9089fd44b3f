package dev.ssegateway.gateway.history;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("GET /history on a dev node (memory broker)")
class MemoryHistoryApiTest extends HistoryApiContract {
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_HISTORY_SIZE", Integer.toString(HISTORY_SIZE)));
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  @Override
  protected int port() {
    return node.port();
  }
}

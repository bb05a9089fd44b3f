package dev.ssegateway.gateway.batch;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("Batch publish and Idempotency-Key on a dev node (memory broker)")
class MemoryBatchPublishTest extends BatchPublishContract {
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_MAX_BATCH_EVENTS", Integer.toString(MAX_BATCH)));
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  @Override
  protected int port(int i) {
    return node.port(); // one node: the memory broker is per node
  }
}

package dev.ssegateway.gateway.batch;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.redis.RedisCluster;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

/**
 * The same contract on a 3-shard Redis Cluster: a batch's topics hash to different shards, each
 * topic's idempotency record lives in its topic's slot, and the claim key wherever it hashes.
 */
@DisplayName("Batch publish and Idempotency-Key across two nodes on a real 3-shard Redis Cluster")
class RedisClusterBatchPublishTest extends BatchPublishContract {
  private static RedisCluster cluster;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start(3);
    gateways = new Gateways();
    nodes = gateways.start(2, cluster.seeds(), Map.of("SSE_REDIS_MODE", "cluster",
        "SSE_MAX_BATCH_EVENTS", Integer.toString(MAX_BATCH)));
  }

  @AfterAll
  static void stop() {
    gateways.close();
    cluster.close();
  }

  @Override
  protected int port(int i) {
    return nodes.get(i % 2).port();
  }
}

package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.broker.redis.RedisBroker;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;

@DisplayName("RedisBroker keeps the Broker contract (real redis-server)")
class RedisBrokerContractTest extends BrokerContractTest {
  private static RedisServer redis;
  private static Vertx vertx;

  @BeforeAll
  static void startRedis() {
    redis = RedisServer.start();
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopRedis() {
    vertx.close().toCompletionStage().toCompletableFuture().join();
    redis.close();
  }

  @Override
  protected Broker create(int historySize, long maxAgeMs) {
    GatewayConfig config = GatewayConfig.from(Map.of(
        "SSE_REDIS_URL", redis.url(),
        "SSE_REDIS_PREFIX", "contract-" + UUID.randomUUID().toString().substring(0, 8) + ":",
        "SSE_HISTORY_SIZE", Integer.toString(historySize),
        "SSE_HISTORY_TTL_MS", Long.toString(maxAgeMs),
        "SSE_NODE_ID", "contract-node"));
    return new RedisBroker(vertx, vertx.getOrCreateContext(), config, new GatewayMetrics("contract-node"));
  }
}

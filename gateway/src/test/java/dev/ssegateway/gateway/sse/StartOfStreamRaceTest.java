package dev.ssegateway.gateway.sse;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.redis.RedisCluster;
import dev.ssegateway.gateway.testing.redis.RedisSentinelGroup;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The probe of issue [2.0], run thousands of times per broker: open {@code GET /events} on a topic
 * nobody has used yet and, the instant the response headers arrive (when a browser's EventSource
 * fires {@code open}), publish three events and wait for them. An event acknowledged to its
 * publisher after the headers must reach the stream exactly once, in order, or the stream must
 * say {@code sse-history-lost} first. Before the fix, 10-25 % of probes skipped silently.
 */
@DisplayName("A stream that has opened misses nothing published after its headers arrived")
@Timeout(300)
class StartOfStreamRaceTest {
  /** The probes publish thousands of events a second from one key. */
  private static final Map<String, String> NO_PUBLISH_LIMIT = Map.of("SSE_PUBLISH_RATE", "0");
  private static Vertx clients;

  @BeforeAll
  static void start() {
    clients = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    Gateways.await(clients.close());
  }

  @Test
  @DisplayName("memory broker (dev mode): one topic, three topics, a new streamId, a Last-Event-ID resume, HTTP/2")
  void memoryBroker() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(NO_PUBLISH_LIMIT);
      StartRace race = new StartRace("memory", clients, node.port(), node.port());
      probeEvery(race, StartRace.Shape.values());
    }
  }

  @Test
  @DisplayName("standalone Redis, subscribed on one node and published on another")
  void standaloneRedis() {
    try (RedisServer redis = RedisServer.start(); Gateways gateways = new Gateways()) {
      List<GatewayNode> nodes = gateways.start(2, redis.url(), NO_PUBLISH_LIMIT);
      StartRace race = new StartRace("redis", clients, nodes.get(0).port(), nodes.get(1).port());
      probeEvery(race, StartRace.Shape.values());
    }
  }

  @Test
  @DisplayName("Redis Cluster (sharded pub/sub), subscribed on one node and published on another")
  void redisCluster() {
    try (RedisCluster cluster = RedisCluster.start(3); Gateways gateways = new Gateways()) {
      List<GatewayNode> nodes = gateways.start(2, cluster.seeds(), Map.of("SSE_REDIS_MODE", "cluster", "SSE_PUBLISH_RATE", "0"));
      StartRace race = new StartRace("cluster", clients, nodes.get(0).port(), nodes.get(1).port());
      probeEvery(race, StartRace.Shape.ONE_TOPIC, StartRace.Shape.THREE_TOPICS);
    }
  }

  @Test
  @DisplayName("Redis Sentinel")
  void redisSentinel() {
    try (RedisSentinelGroup group = RedisSentinelGroup.start(); Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.start(1, group.sentinelUrl(), Map.of(
          "SSE_REDIS_MODE", "sentinel", "SSE_REDIS_MASTER", RedisSentinelGroup.MASTER_NAME, "SSE_PUBLISH_RATE", "0")).get(0);
      StartRace race = new StartRace("sentinel", clients, node.port(), node.port());
      probeEvery(race, StartRace.Shape.ONE_TOPIC, StartRace.Shape.THREE_TOPICS);
    }
  }

  private static void probeEvery(StartRace race, StartRace.Shape... shapes) {
    for (StartRace.Shape shape : shapes) {
      race.run(shape).assertNoSilentSkip();
    }
  }
}

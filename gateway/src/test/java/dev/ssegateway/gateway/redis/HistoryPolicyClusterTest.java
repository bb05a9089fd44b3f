package dev.ssegateway.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.redis.RedisCluster;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.publisher.PublishScript;
import dev.ssegateway.publisher.Publisher;
import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.publisher.cli.PublishCli;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Redis Cluster with three masters: the policy key lives on one shard, topics on all three. The
 * Java library and the CLI read the policy and pass it; the script run by hand with '' on another
 * shard refuses rather than trim with a guess.
 */
@DisplayName("The history policy in Redis Cluster")
class HistoryPolicyClusterTest {
  private static final String POLICY = WireFormat.historyPolicyKey("sse:");
  private static RedisCluster cluster;
  private static Gateways gateways;
  private static int policyPort;

  @BeforeAll
  static void start() throws InterruptedException {
    cluster = RedisCluster.start(3);
    gateways = new Gateways();
    gateways.start(1, cluster.seeds(), Map.of("SSE_REDIS_MODE", "cluster", "SSE_HISTORY_SIZE", "3", "SSE_HISTORY_TTL_MS", "0"));
    policyPort = cluster.ownerOf(cluster.slotOf(POLICY));
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (!List.of("3", "0").equals(Resp.list(policyPort, "HMGET", POLICY, "size", "ttlMs")) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(Resp.list(policyPort, "HMGET", POLICY, "size", "ttlMs")).as("the policy the node wrote").containsExactly("3", "0");
  }

  @AfterAll
  static void stop() {
    gateways.close();
    cluster.close();
  }

  @Test
  @DisplayName("the library and the CLI keep the policy's 3 entries on every shard, with no expiry")
  void libraryAndCliOnEveryShard() {
    RedisOptions redis = new RedisOptions().setType(RedisClientType.CLUSTER);
    cluster.ports().forEach(p -> redis.addConnectionString("redis://127.0.0.1:" + p));
    try (Publisher publisher = Publisher.connect(redis, new PublisherOptions().setSharded(true))) {
      for (int port : cluster.ports()) {
        String byLibrary = cluster.topicOn(port, "library");
        String byCli = cluster.topicOn(port, "cli");
        for (int i = 0; i < 6; i++) {
          publisher.publish(byLibrary, null, "e" + i);
          int status = PublishCli.run(new String[] {"--redis", cluster.seeds(), "--cluster", "--topic", byCli, "--data", "e" + i},
              new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
              new PrintStream(new ByteArrayOutputStream()));
          assertThat(status).isZero();
        }
        for (String topic : List.of(byLibrary, byCli)) {
          String key = WireFormat.historyKey("sse:", topic);
          assertThat(Resp.call(port, "XLEN", key)).as(topic + " on " + port).isEqualTo(3L);
          assertThat(Resp.call(port, "PTTL", key)).as(topic + " on " + port).isEqualTo(-1L);
        }
      }
    }
  }

  @Test
  @DisplayName("the script with '' reads the policy on its own shard, and refuses on another one")
  void scriptOnEachShard() {
    String local = cluster.topicOn(policyPort, "script");
    for (int i = 0; i < 5; i++) {
      eval(policyPort, local);
    }
    assertThat(Resp.call(policyPort, "XLEN", WireFormat.historyKey("sse:", local))).isEqualTo(3L);

    int otherPort = cluster.ports().stream().filter(p -> p != policyPort).findFirst().orElseThrow();
    String remote = cluster.topicOn(otherPort, "script");
    Throwable refused = catchThrowable(() -> eval(otherPort, remote));
    assertThat(refused).as("refused").isNotNull();
    assertThat(refused.getMessage()).contains("policy unreachable").contains("HMGET sse:history-policy");
    assertThat(Resp.call(otherPort, "EXISTS", WireFormat.historyKey("sse:", remote))).as("nothing written").isEqualTo(0L);
  }

  private static Object eval(int port, String topic) {
    return Resp.call(port, "EVAL", PublishScript.source(), "1", WireFormat.historyKey("sse:", topic),
        WireFormat.channel("sse:", topic), "", "x", "", "0", "", "", "SPUBLISH");
  }
}

package dev.ssegateway.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.redis.RedisCluster;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fault (d): three gateway processes on a three-master Redis Cluster (sharded pub/sub) behind the
 * proxy, 500 reconnecting clients, and the slots of both test topics moved to another master
 * mid-stream, the way a resharding does (keys migrated, then SETSLOT NODE everywhere). Redis drops
 * the sharded subscriptions of a moved slot; the nodes must follow, repair from history, and
 * every client still get every event once, in order.
 */
@DisplayName("Fault suite (d): Redis Cluster slot migration mid-stream")
class RedisClusterTopologyFaultTest {
  private static RedisCluster cluster;
  private static FaultRig rig;
  private static long suiteStart;

  @BeforeAll
  static void startRig() {
    suiteStart = System.nanoTime();
    cluster = RedisCluster.start(3);
    RedisOptions read = new RedisOptions().setType(RedisClientType.CLUSTER);
    cluster.ports().forEach(p -> read.addConnectionString("redis://127.0.0.1:" + p));
    rig = FaultRig.start("cluster", 3, cluster.seeds(), read, Map.of("SSE_REDIS_MODE", "cluster"));
    rig.report("Redis Cluster (3 masters) and 3 gateway processes ready in " + (System.nanoTime() - suiteStart) / 1_000_000
        + " ms; logs in " + rig.logDirectory);
  }

  @AfterAll
  static void stopRig() {
    try {
      if (rig != null) {
        rig.report("cluster fault suite took " + (System.nanoTime() - suiteStart) / 1_000_000 + " ms");
        rig.close();
      }
    } finally {
      if (cluster != null) {
        cluster.close();
      }
    }
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("(d) the test topics' slots move to another master mid-stream: no client loses or repeats an event")
  void slotMigrationLosesNothing() throws Exception {
    try (Scenario s = Scenario.start(rig, "(d) Redis Cluster slot migration", FaultSuiteTest.CLIENTS,
        FaultSuiteTest.EVENTS_PER_SECOND)) {
      Set<Integer> slots = new LinkedHashSet<>();
      for (String topic : s.topics) {
        slots.add(cluster.slotOf(FaultRig.PREFIX + "{" + topic + "}"));
      }
      s.publishFor(FaultSuiteTest.BEFORE_FAULT);
      StringBuilder moves = new StringBuilder();
      long faultAt = s.fault(() -> {
        for (int slot : slots) {
          int from = cluster.ownerOf(slot);
          int to = cluster.ports().stream().filter(p -> p != from).findFirst().orElseThrow();
          cluster.moveSlot(slot, to);
          moves.append(" slot ").append(slot).append(": ").append(from).append(" -> ").append(to);
        }
      });
      rig.report(s.name + ": moved" + moves + " in " + (System.currentTimeMillis() - faultAt) + " ms");
      s.publishFor(FaultSuiteTest.AFTER_FAULT);
      DeliveryCheck result = s.finish();
      assertThat(result.clean())
          .as("every client got every event once, in order:\n%s%s", result.summary(), result.firstProblems).isTrue();
      assertThat(rig.awaitRunningNodesReady(Duration.ofSeconds(10))).as("every node ready after the move").isTrue();
    }
  }
}

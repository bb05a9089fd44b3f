package dev.ssegateway.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.process.GatewayProcess;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.RedisOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The fault suite: three gateway processes on one Redis (AOF, fsync always) behind a round-robin
 * proxy, 500 SSE clients that reconnect by themselves like EventSource, and a publisher at 50
 * events/s over two topics. Each scenario injects one fault mid-stream, keeps publishing, then
 * checks every client's sequence against the topic's history in Redis: nothing lost, nothing
 * twice, in order, and {@code sse-history-lost} exactly when history could not cover the gap.
 * Counts go to the test output and to {@code target/fault-suite/<run>/summary.txt}.
 */
@DisplayName("Fault suite: 3 gateway processes, 1 Redis, a load balancer, 500 reconnecting clients")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
  static final int CLIENTS = 500;
  static final int EVENTS_PER_SECOND = 50;
  static final Duration BEFORE_FAULT = Duration.ofSeconds(2);
  static final Duration AFTER_FAULT = Duration.ofSeconds(4);
  static final Duration REDIS_DOWN = Duration.ofSeconds(3);

  private static RedisServer redis;
  private static FaultRig rig;
  private static long suiteStart;

  @BeforeAll
  static void startRig() {
    suiteStart = System.nanoTime();
    redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
    rig = FaultRig.start("main", 3, redis.url(), new RedisOptions().addConnectionString(redis.url()), Map.of());
    rig.report("3 gateway processes ready in " + (System.nanoTime() - suiteStart) / 1_000_000 + " ms; logs in " + rig.logDirectory);
  }

  @AfterAll
  static void stopRig() {
    try {
      if (rig != null) {
        rig.report("fault suite took " + (System.nanoTime() - suiteStart) / 1_000_000 + " ms");
        rig.close();
      }
    } finally {
      if (redis != null) {
        redis.kill();
      }
    }
  }

  @BeforeEach
  void everyNodeUp() {
    if (!redis.isRunning()) {
      redis.restart();
    }
    rig.ensureAllUp();
  }

  @Test
  @Order(1)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("(b) Redis down for 3 s mid-stream, back with its AOF: no client loses or repeats an event")
  void redisOutageWithPersistenceLosesNothing() throws Exception {
    try (Scenario s = Scenario.start(rig, "(b) Redis down 3 s, AOF", CLIENTS, EVENTS_PER_SECOND)) {
      s.publishFor(BEFORE_FAULT);
      s.fault(() -> {
        redis.kill();
        Thread.sleep(REDIS_DOWN.toMillis());
        redis.restart();
      });
      s.publishFor(AFTER_FAULT);
      DeliveryCheck result = s.finish();
      assertClean(result);
    }
  }

  @Test
  @Order(2)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("(b') Redis restarts having lost its data: every client gets sse-history-lost once per topic, then every new event")
  void redisDataLossIsSignalledOnceThenStreamsContinue() throws Exception {
    try (Scenario s = Scenario.start(rig, "(b') Redis restart losing history", CLIENTS, EVENTS_PER_SECOND)) {
      s.publishFor(BEFORE_FAULT);
      // A short pause to read what history holds at the crash: exactly that is lost. Publishing
      // goes on at once (503s while Redis is down), racing the nodes' resubscribe after it is back.
      s.publisher.pause();
      List<List<Long>> lost = rig.readHistory(s.topics);
      s.fault(() -> {
        redis.kill();
        deleteRecursively(redis.logFile().getParent().resolve("appendonlydir"));
        s.publisher.resume();
        Thread.sleep(REDIS_DOWN.toMillis());
        redis.restart();
      });
      s.publishFor(AFTER_FAULT);
      DeliveryCheck result = s.finish(lost);
      long subscriptions = s.fleet.clients().stream().mapToInt(c -> c.topics.length).sum();
      assertThat(result.historyLost).as("sse-history-lost events: one per client and topic").isEqualTo(subscriptions);
      assertClean(result);
    }
  }

  @Test
  @Order(3)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("(a) kill -9 of a node mid-stream: its clients resume on the others without loss; its counts leave /stats")
  void killedNodesClientsResumeElsewhere() throws Exception {
    GatewayProcess victim = rig.nodes.get(1);
    GatewayProcess survivor = rig.nodes.get(0);
    long[] goneFromStatsMs = {-1};
    long[] allCountedMs = {-1};
    try (Scenario s = Scenario.start(rig, "(a) kill -9 " + victim.nodeId(), CLIENTS, EVENTS_PER_SECOND)) {
      s.publishFor(BEFORE_FAULT);
      long faultAt = s.fault(victim::kill9);
      CompletableFuture<Void> stats = CompletableFuture.runAsync(() -> {
        goneFromStatsMs[0] = awaitStats(survivor, st -> !nodeIds(st).contains(victim.nodeId()), faultAt);
        allCountedMs[0] = awaitStats(survivor, st -> st.getLong("connections", 0L) == CLIENTS, faultAt);
      });
      s.publishFor(AFTER_FAULT);
      DeliveryCheck result = s.finish();
      stats.get(30, TimeUnit.SECONDS);
      rig.report(s.name + ": /stats on " + survivor.nodeId() + " dropped " + victim.nodeId() + " after "
          + goneFromStatsMs[0] + " ms; counted all " + CLIENTS + " clients again after " + allCountedMs[0] + " ms");
      assertClean(result);
      assertThat(goneFromStatsMs[0]).as("ms until the dead node left /stats").isBetween(0L, 10_000L);
      assertThat(allCountedMs[0]).as("ms until /stats counted every client on the survivors").isBetween(0L, 20_000L);
    }
  }

  @Test
  @Order(4)
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("(c) SIGTERM of a node: it drains in paced waves and exits in time; its clients resume elsewhere, spread over the window")
  void drainedNodesClientsResumeSpreadOverTime() throws Exception {
    GatewayProcess victim = rig.nodes.get(2);
    try (Scenario s = Scenario.start(rig, "(c) SIGTERM " + victim.nodeId(), CLIENTS, EVENTS_PER_SECOND)) {
      s.publishFor(BEFORE_FAULT);
      CompletableFuture<Duration> exit = new CompletableFuture<>();
      long faultAt = s.fault(() -> CompletableFuture.runAsync(() ->
          exit.complete(victim.sigterm(Duration.ofMillis(FaultRig.DRAIN_MS + 15_000)))));
      s.publishFor(AFTER_FAULT);
      Duration exitTook = exit.get(30, TimeUnit.SECONDS);
      DeliveryCheck result = s.finish();

      List<Long> disconnects = new ArrayList<>();
      List<Long> reconnects = new ArrayList<>();
      for (FleetClient c : s.fleet.clients()) {
        Arrays.stream(c.disconnectsMs()).filter(t -> t >= faultAt).forEach(t -> disconnects.add(t - faultAt));
        long[] opened = c.streamsOpenedMs();
        Arrays.stream(opened).skip(1).filter(t -> t >= faultAt).forEach(t -> reconnects.add(t - faultAt));
      }
      rig.report(s.name + ": exited " + exitTook.toMillis() + " ms after SIGTERM (exit status " + victim.exitValue()
          + ", drain window " + FaultRig.DRAIN_MS + " ms); " + disconnects.size() + " streams closed, "
          + reconnects.size() + " reconnected; ms after SIGTERM, per 500 ms: closed " + histogram(disconnects)
          + ", reconnected " + histogram(reconnects) + "; last reconnect "
          + reconnects.stream().mapToLong(Long::longValue).max().orElse(-1) + " ms after SIGTERM");
      assertClean(result);
      assertThat(exitTook.toMillis()).as("ms from SIGTERM to exit").isLessThan(FaultRig.DRAIN_MS + 5000);
      assertThat(victim.exitValue()).as("a drain that finished is a clean stop: exit status 0, not 143").isZero();
      assertThat(disconnects).as("streams closed by the drain").hasSizeGreaterThan(CLIENTS / 6);
      assertSpread(reconnects);
    }
  }

  /** Reconnects come in waves over the window, not in one storm. */
  private static void assertSpread(List<Long> offsetsMs) {
    List<Long> sorted = offsetsMs.stream().sorted().toList();
    long p5 = sorted.get(sorted.size() / 20);
    long p95 = sorted.get(sorted.size() * 19 / 20);
    assertThat(p95 - p5).as("ms between the 5th and 95th percentile of reconnects").isGreaterThan(FaultRig.DRAIN_MS / 2);
    long[] buckets = buckets(sorted);
    long max = Arrays.stream(buckets).max().orElse(0);
    assertThat(max).as("most reconnects in one 500 ms bucket").isLessThanOrEqualTo(Math.round(sorted.size() * 0.35));
  }

  private static long[] buckets(List<Long> offsetsMs) {
    long maxOffset = offsetsMs.stream().mapToLong(Long::longValue).max().orElse(0);
    long[] b = new long[(int) (maxOffset / 500) + 1];
    offsetsMs.forEach(o -> b[(int) (o / 500)]++);
    return b;
  }

  private static String histogram(List<Long> offsetsMs) {
    return offsetsMs.isEmpty() ? "[]" : Arrays.toString(buckets(offsetsMs));
  }

  private static void assertClean(DeliveryCheck r) {
    assertThat(r.clean()).as("every client got every event once, in order:\n%s%s", r.summary(), r.firstProblems).isTrue();
  }

  private static long awaitStats(GatewayProcess node, java.util.function.Predicate<JsonObject> condition, long sinceMs) {
    long deadline = System.currentTimeMillis() + 25_000;
    while (System.currentTimeMillis() < deadline) {
      try {
        var r = node.get("/stats");
        if (r.statusCode() == 200 && condition.test(new JsonObject(r.body()))) {
          return System.currentTimeMillis() - sinceMs;
        }
      } catch (IOException ignored) {
        // try again
      }
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -1;
      }
    }
    return -1;
  }

  private static List<String> nodeIds(JsonObject stats) {
    JsonArray nodes = stats.getJsonArray("nodes", new JsonArray());
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < nodes.size(); i++) {
      ids.add(nodes.getJsonObject(i).getString("node"));
    }
    return ids;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}

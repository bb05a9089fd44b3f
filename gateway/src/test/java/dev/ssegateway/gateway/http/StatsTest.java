package dev.ssegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** GET /stats answers cluster-wide, from any node, and forgets a dead node within seconds. */
@DisplayName("GET /stats across three nodes")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatsTest {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static Gateways gateways;
  private static List<GatewayNode> nodes;
  private final List<RawSseStream> streams = new ArrayList<>();

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    nodes = gateways.start(3, null, Map.of()); // Hazelcast is what counts here; each node has its own memory broker
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  @AfterEach
  void closeStreams() {
    streams.forEach(RawSseStream::close);
  }

  @Test
  @Order(1)
  @DisplayName("counts connections per node, per topic and in total, the same on every node; a closed stream leaves the counts")
  void countsPerNodePerTopicAndTotal() {
    String s1 = "stats-" + UUID.randomUUID();
    String s2 = "stats-" + UUID.randomUUID();
    open(0, s1);
    open(0, s1);
    open(1, s1);
    RawSseStream twoTopics = open(1, s1, s2);
    open(2, s2);
    open(2, s2);
    open(2, s2);

    Predicate<JsonObject> expected = st -> st.getInteger("connections") == 7
        && st.getInteger("nodeCount") == 3
        && nodeConnections(st, "node-1") == 2 && nodeConnections(st, "node-2") == 2 && nodeConnections(st, "node-3") == 3
        && topicConnections(st, s1) == 4 && topicConnections(st, s2) == 4;
    for (GatewayNode node : nodes) {
      awaitStats(node, expected, "7 connections: 2 + 2 + 3; " + s1 + " 4, " + s2 + " 4");
    }

    twoTopics.close();
    awaitStats(nodes.get(2), st -> st.getInteger("connections") == 6 && nodeConnections(st, "node-2") == 1
        && topicConnections(st, s1) == 3 && topicConnections(st, s2) == 3, "the two-topic stream gone");
  }

  @Test
  @Order(2)
  @DisplayName("after a node dies abruptly, its counts leave /stats within seconds")
  void deadNodeLeavesStats() {
    String topic = "stats-" + UUID.randomUUID();
    open(0, topic);
    open(1, topic);
    open(2, topic);
    open(2, topic);
    awaitStats(nodes.get(0), st -> st.getInteger("connections") == 4 && topicConnections(st, topic) == 4
        && nodeConnections(st, "node-3") == 2, "4 connections before the crash");

    GatewayNode victim = nodes.get(2);
    long start = System.nanoTime();
    gateways.crash(victim);
    JsonObject after = awaitStats(nodes.get(0), st -> st.getInteger("nodeCount") == 2
        && st.getInteger("connections") == 2 && topicConnections(st, topic) == 2 && nodeConnections(st, "node-3") == 0,
        "node-3's counts gone");
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.println("A crashed node's counts left /stats after " + ms + " ms");
    assertThat(after.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("node")))
        .containsExactly("node-1", "node-2");
    assertThat(ms).as("within seconds").isLessThan(10_000);
    awaitStats(nodes.get(1), st -> st.getInteger("nodeCount") == 2 && st.getInteger("connections") == 2,
        "the other survivor agrees");
  }

  private RawSseStream open(int node, String... topics) {
    StringBuilder path = new StringBuilder("/events?");
    for (String t : topics) {
      path.append(path.length() > 8 ? "&" : "").append("topic=").append(t);
    }
    RawSseStream s = RawSseStream.open(nodes.get(node).port(), path.toString());
    streams.add(s);
    s.awaitLive(WAIT);
    return s;
  }

  private static JsonObject awaitStats(GatewayNode node, Predicate<JsonObject> condition, String what) {
    long end = System.nanoTime() + WAIT.toNanos();
    JsonObject last = null;
    while (System.nanoTime() < end) {
      HttpResponse<String> resp = Http.get(node.port(), "/stats");
      assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
      last = new JsonObject(resp.body());
      if (condition.test(last)) {
        return last;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("/stats on " + node.config().nodeId() + " never showed " + what + "; last: " + last);
  }

  private static int nodeConnections(JsonObject stats, String nodeId) {
    return stats.getJsonArray("nodes").stream().map(JsonObject.class::cast)
        .filter(n -> nodeId.equals(n.getString("node"))).mapToInt(n -> n.getInteger("connections")).sum();
  }

  private static int topicConnections(JsonObject stats, String topic) {
    JsonObject t = stats.getJsonObject("topics").getJsonObject(topic);
    return t == null ? 0 : t.getInteger("connections");
  }
}

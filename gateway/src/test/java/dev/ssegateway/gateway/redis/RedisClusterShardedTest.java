package dev.ssegateway.gateway.redis;

import static dev.ssegateway.gateway.redis.RedisFaults.awaitDelivered;
import static dev.ssegateway.gateway.redis.RedisFaults.connect;
import static dev.ssegateway.gateway.redis.RedisFaults.publishUntilAccepted;
import static dev.ssegateway.gateway.redis.RedisFaults.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.broker.redis.HashSlot;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.redis.ArrivalClock;
import dev.ssegateway.gateway.testing.redis.DeliveryCheck;
import dev.ssegateway.gateway.testing.redis.NodeProbe;
import dev.ssegateway.gateway.testing.redis.PublishLoop;
import dev.ssegateway.gateway.testing.redis.PublishLoop.Outcome;
import dev.ssegateway.gateway.testing.redis.RedisCluster;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.RedisPublisher;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Redis Cluster with sharded pub/sub")
@Timeout(180)
class RedisClusterShardedTest {
  private static RedisCluster cluster;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    cluster = RedisCluster.start(3);
    gateways = new Gateways();
    nodes = gateways.start(2, cluster.seeds(), Map.of("SSE_REDIS_MODE", "cluster"));
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    Gateways.await(vertx.close());
    cluster.close();
  }

  @Test
  @DisplayName("publish, subscribe and resume work on every master, with history and channel in one slot")
  void publishSubscribeAndResumeOnEveryMaster() {
    List<Outcome> rejected = new ArrayList<>();
    for (int owner : cluster.ports()) {
      String topic = cluster.topicOn(owner, "sharded");
      assertThat(cluster.slotOf("sse:{" + topic + "}:h")).as("history key and channel share a slot")
          .isEqualTo(cluster.slotOf("sse:{" + topic + "}"))
          .as("the gateway computes the slot as Redis does").isEqualTo(HashSlot.of("sse:{" + topic + "}"));
      List<SseClient> clients = new ArrayList<>(connect(vertx, nodes.get(0).port(), topic, 1));
      clients.addAll(connect(vertx, nodes.get(1).port(), topic, 1));
      List<Outcome> published = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        published.add(publishUntilAccepted(nodes.get(i % 2).port(), topic, topic + "-" + i, rejected));
      }
      List<String> expected = published.stream().map(Outcome::data).toList();
      awaitDelivered(clients, expected, Duration.ofSeconds(10));
      for (SseClient c : clients) {
        DeliveryCheck check = DeliveryCheck.of(expected, c.events());
        assertThat(check.exact()).as(topic + ": " + check).isTrue();
      }
      List<Object> numsub = Resp.list(owner, "PUBSUB", "SHARDNUMSUB", "sse:{" + topic + "}");
      assertThat(numsub.get(1)).as("each node holds one sharded subscription on the slot's owner").isEqualTo(2L);
      assertThat(Resp.call(owner, "XLEN", "sse:{" + topic + "}:h")).isEqualTo(6L);

      // Resume on the other node from the third event's id.
      SseClient resumed = SseClient.connect(vertx, nodes.get(1).port(),
          "/events?topic=" + topic + "&lastEventId=" + published.get(2).id());
      resumed.awaitEvents(e -> DeliveryCheck.of(expected.subList(3, 6), e).lost().isEmpty(), Duration.ofSeconds(10));
      sleep(200);
      assertThat(resumed.data()).containsExactlyElementsOf(expected.subList(3, 6));
      resumed.close();
      clients.forEach(SseClient::close);
    }
    System.out.printf("[redis-cluster] 3 masters, 2 gateway nodes: publish/subscribe/resume exact on every master;"
        + " rejected publishes=%d%n", rejected.size());
    assertThat(rejected).isEmpty();
  }

  @Test
  @DisplayName("a topic's slot moving to another master while events flow: subscribers follow it, no loss, no duplicates")
  void slotMigrationLosesNothing() {
    int from = cluster.ports().get(0);
    int to = cluster.ports().get(1);
    String topic = cluster.topicOn(from, "moving");
    int slot = cluster.slotOf("sse:{" + topic + "}");
    List<SseClient> clients = new ArrayList<>(connect(vertx, nodes.get(0).port(), topic, 2));
    clients.addAll(connect(vertx, nodes.get(1).port(), topic, 2));
    ArrivalClock clock = new ArrivalClock(clients.get(0));
    double[] reconnects = nodes.stream().mapToDouble(n -> NodeProbe.metric(n.port(), "sse_redis_reconnects_total")).toArray();
    double[] repaired = nodes.stream().mapToDouble(n -> NodeProbe.metric(n.port(), "sse_events_repaired_total")).toArray();

    // A publisher of its own whose slot cache outlives the move: it must follow MOVED.
    Redis stale = Redis.createClient(vertx, new RedisOptions().setType(RedisClientType.CLUSTER)
        .setHashSlotCacheTTL(600_000).setConnectionString(cluster.seeds().split(",")[0]));
    RedisPublisher direct = new RedisPublisher(stale, new PublisherOptions().setSharded(true));
    String beforeMoveId = Gateways.await(direct.publish(new PublishRequest(topic, null, "direct-before", null, false)));

    PublishLoop loop = PublishLoop.start(topic, 20, nodes.get(0).port(), nodes.get(1).port());
    sleep(1000);
    long moveStarted = System.currentTimeMillis();
    cluster.moveSlot(slot, to);
    long movedAt = System.currentTimeMillis();
    String afterMoveId = Gateways.await(direct.publish(new PublishRequest(topic, null, "direct-after", null, false)));
    sleep(1500);
    List<Outcome> outcomes = loop.stop();

    List<String> expected = new ArrayList<>();
    expected.add("direct-before");
    outcomes.stream().filter(o -> o.accepted() && o.sentAtMs() < movedAt).forEach(o -> expected.add(o.data()));
    expected.add("direct-after");
    outcomes.stream().filter(o -> o.accepted() && o.sentAtMs() >= movedAt).forEach(o -> expected.add(o.data()));
    awaitDelivered(clients, expected, Duration.ofSeconds(20));
    String firstAfterMove = outcomes.stream().filter(o -> o.sentAtMs() >= movedAt).findFirst().orElseThrow().data();
    long firstAt = clock.firstArrival(e -> e.data().equals(firstAfterMove));
    clock.close();

    // The loop's own order is publish order; the direct events interleave with it, so check the
    // loop's events for order and the direct ones for presence.
    List<String> loopExpected = outcomes.stream().filter(Outcome::accepted).map(Outcome::data).toList();
    List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(loopExpected, c.events().stream()
        .filter(e -> !e.data().startsWith("direct-")).toList())).toList();
    long rejected = outcomes.stream().filter(o -> !o.accepted()).count();
    double reconnected = 0;
    double repairedNow = 0;
    for (int i = 0; i < nodes.size(); i++) {
      reconnected += NodeProbe.metric(nodes.get(i).port(), "sse_redis_reconnects_total") - reconnects[i];
      repairedNow += NodeProbe.metric(nodes.get(i).port(), "sse_events_repaired_total") - repaired[i];
    }
    List<Object> numsub = Resp.list(to, "PUBSUB", "SHARDNUMSUB", "sse:{" + topic + "}");
    System.out.printf("[redis-cluster slot move] slot %d %d->%d took %dms; clients=%d published=%d rejected=%d"
            + " recovery(slot moved -> first event published after it delivered)=%dms reconnects=+%.0f repaired=+%.0f"
            + " subscriptionsOnNewOwner=%s%n  %s%n",
        slot, from, to, movedAt - moveStarted, clients.size(), loopExpected.size() + 2, rejected,
        firstAt < 0 ? -1 : firstAt - movedAt, reconnected, repairedNow, numsub.get(1), checks);

    assertThat(afterMoveId).as("the stale-slot publisher followed MOVED").isNotNull().isNotEqualTo(beforeMoveId);
    assertThat(Resp.call(to, "EXISTS", "sse:{" + topic + "}:h")).as("history moved with the slot").isEqualTo(1L);
    assertThat(outcomes.stream().filter(o -> o.sentAtMs() >= movedAt)).as("publishing after the move works")
        .allMatch(Outcome::accepted);
    for (SseClient c : clients) {
      DeliveryCheck all = DeliveryCheck.of(expected, c.events());
      assertThat(all.lost()).as("nothing lost").isEmpty();
      assertThat(all.duplicates()).as("nothing twice").isZero();
      assertThat(all.historyLost()).as("history covered the move").isZero();
    }
    for (DeliveryCheck check : checks) {
      assertThat(check.exact()).as("gateway-published events exactly once, in order: " + check).isTrue();
    }
    assertThat(numsub.get(1)).as("both nodes subscribed on the new owner").isEqualTo(2L);
    assertThat(reconnected).as("each node's subscriber followed the slot").isGreaterThanOrEqualTo(2);
    Gateways.await(stale.close());
    clients.forEach(SseClient::close);
  }
  @Test
  @DisplayName("a topic first subscribed after its slot moved is found on its new master (MOVED is followed)")
  void subscribingAfterASlotMoveFollowsMoved() {
    int from = cluster.ports().get(2);
    int to = cluster.ports().get(0);
    String topic = cluster.topicOn(from, "moved-before");
    // No subscriber holds this slot, so nobody is told: the nodes' subscriber connections still
    // route it to the old master, which answers MOVED.
    cluster.moveSlot(cluster.slotOf("sse:{" + topic + "}"), to);
    double reconnects = NodeProbe.metric(nodes.get(0).port(), "sse_redis_reconnects_total");
    long subscribeAt = System.currentTimeMillis();
    List<SseClient> clients = connect(vertx, nodes.get(0).port(), topic, 2);
    long liveMs = System.currentTimeMillis() - subscribeAt;
    List<Outcome> rejected = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      expected.add(publishUntilAccepted(nodes.get(1).port(), topic, topic + "-" + i, rejected).data());
    }
    awaitDelivered(clients, expected, Duration.ofSeconds(10));
    List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList();
    System.out.printf("[redis-cluster subscribe after move] live after %dms, reconnects=+%.0f, subscriptionsOnNewOwner=%s%n  %s%n",
        liveMs, NodeProbe.metric(nodes.get(0).port(), "sse_redis_reconnects_total") - reconnects,
        Resp.list(to, "PUBSUB", "SHARDNUMSUB", "sse:{" + topic + "}").get(1), checks);
    for (DeliveryCheck check : checks) {
      assertThat(check.exact()).as(check.toString()).isTrue();
    }
    assertThat(Resp.list(to, "PUBSUB", "SHARDNUMSUB", "sse:{" + topic + "}").get(1)).isEqualTo(1L);
    clients.forEach(SseClient::close);
  }
}

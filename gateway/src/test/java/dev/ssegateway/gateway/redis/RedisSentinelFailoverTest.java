package dev.ssegateway.gateway.redis;

import static dev.ssegateway.gateway.redis.RedisFaults.awaitDelivered;
import static dev.ssegateway.gateway.redis.RedisFaults.connect;
import static dev.ssegateway.gateway.redis.RedisFaults.publishUntilAccepted;
import static dev.ssegateway.gateway.redis.RedisFaults.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.redis.ArrivalClock;
import dev.ssegateway.gateway.testing.redis.DeliveryCheck;
import dev.ssegateway.gateway.testing.redis.NodeProbe;
import dev.ssegateway.gateway.testing.redis.PublishLoop;
import dev.ssegateway.gateway.testing.redis.PublishLoop.Outcome;
import dev.ssegateway.gateway.testing.redis.RedisSentinelGroup;
import dev.ssegateway.gateway.testing.redis.Resp;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Redis Sentinel failover")
@Timeout(180)
class RedisSentinelFailoverTest {
  private static final String TOPIC = "failover";
  private static Vertx vertx;

  @BeforeAll
  static void startClients() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopClients() {
    Gateways.await(vertx.close());
  }

  @Test
  @DisplayName("when the master dies the node follows Sentinel to the new master: delivery, readiness and publishing resume")
  void nodeFollowsFailover() {
    Failover f = runFailover(false);
    f.print("[redis-sentinel failover]");
    f.assertHonest();
    assertThat(f.outcomes.stream().filter(o -> o.sentAtMs() >= f.readyAt))
        .as("publishing works against the new master once ready").isNotEmpty().allMatch(Outcome::accepted);
  }

  @Test
  @DisplayName("writes that died with the old master are signalled with sse-history-lost, never skipped silently")
  void lostTailIsSignalled() {
    Failover f = runFailover(true);
    f.print("[redis-sentinel failover, unreplicated tail]");
    f.assertHonest();
    assertThat(f.notReplicated).as("the tail written after replication stopped is gone").isNotEmpty();
    for (SseClient c : f.clients) {
      List<SseEvent> events = c.events();
      int signal = indexOf(events, e -> e.event().equals(ControlEvents.HISTORY_LOST));
      assertThat(signal).as("signalled").isGreaterThanOrEqualTo(0);
      assertThat(signal).as("after the lost tail the client saw")
          .isGreaterThan(indexOf(events, e -> e.data().equals(f.notReplicated.get(f.notReplicated.size() - 1))));
      JsonObject data = new JsonObject(events.get(signal).data());
      assertThat(data.getString("lastEventId")).as("the position the new master never issued")
          .isEqualTo(f.tailIds.get(f.tailIds.size() - 1));
    }
  }

  /** Everything one failover run observed. */
  private static final class Failover {
    List<SseClient> clients;
    List<Outcome> outcomes;
    List<Outcome> accepted;
    List<String> expected;
    List<String> notReplicated;
    List<String> tailIds = new ArrayList<>();
    long killedAt;
    long switchedAt;
    long readyAt;
    long notReadyMs;
    long firstDeliveryAt;
    long signalAt;
    long rejected;
    double reconnects;
    double lostSignals;

    void print(String label) {
      System.out.printf("%s clients=%d accepted=%d rejected-during-failover=%d notReplicated(died with the old master)=%d"
              + " notReadyAfterKill=%dms failover(kill -> new master)=%dms readyAfterSwitch=%dms"
              + " recovery(new master -> first event delivered)=%dms historyLostSignal=%s reconnects=+%.0f"
              + " historyLostTotal=+%.0f%n  %s%n",
          label, clients.size(), accepted.size(), rejected, notReplicated.size(), notReadyMs, switchedAt - killedAt,
          readyAt - switchedAt, firstDeliveryAt < 0 ? -1 : firstDeliveryAt - switchedAt,
          signalAt < 0 ? "none" : (signalAt - switchedAt) + "ms after the switch", reconnects, lostSignals,
          clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList());
    }

    /**
     * Owed: every accepted event the new master holds, once, in order. Events that died with the
     * old master may have been seen live before; if so, the client's position is unknown to the
     * new history and it must be told once, else not at all.
     */
    void assertHonest() {
      for (SseClient c : clients) {
        DeliveryCheck check = DeliveryCheck.of(expected, c.events());
        assertThat(check.lost()).as("everything the new master holds arrives").isEmpty();
        assertThat(check.duplicates()).as("nothing twice").isZero();
        assertThat(check.inOrder()).as("in publish order").isTrue();
        assertThat(check.unexpected()).as("only events that died with the old master are extra").allMatch(notReplicated::contains);
        boolean sawLostTail = !check.unexpected().isEmpty();
        assertThat(check.historyLost()).as("sse-history-lost exactly when the new master lacks what the client saw")
            .isEqualTo(sawLostTail ? 1 : 0);
      }
      assertThat(reconnects).isGreaterThanOrEqualTo(1);
    }
  }

  private static Failover runFailover(boolean loseTail) {
    Failover f = new Failover();
    try (RedisSentinelGroup group = RedisSentinelGroup.start();
         Gateways gateways = new Gateways()) {
      int port = gateways.start(1, group.sentinelUrl(), Map.of(
          "SSE_REDIS_MODE", "sentinel", "SSE_REDIS_MASTER", RedisSentinelGroup.MASTER_NAME)).get(0).port();
      NodeProbe.awaitReady(port, 200, 15_000);
      f.clients = connect(vertx, port, TOPIC, 3);
      ArrivalClock clock = new ArrivalClock(f.clients.get(0));
      double reconnects = NodeProbe.metric(port, "sse_redis_reconnects_total");
      double lostSignals = NodeProbe.metric(port, "sse_history_lost_total");

      List<Outcome> outcomes = new ArrayList<>();
      PublishLoop loop = PublishLoop.start(TOPIC, 20, port);
      sleep(1000);
      if (loseTail) {
        outcomes.addAll(loop.stop());
        loop = null;
        group.cutReplication();
        List<Outcome> tail = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          tail.add(publishUntilAccepted(port, TOPIC, "tail-" + i, new ArrayList<>()));
        }
        tail.forEach(o -> f.tailIds.add(o.id()));
        outcomes.addAll(tail);
        awaitDelivered(f.clients, tail.stream().map(Outcome::data).toList(), Duration.ofSeconds(10)); // seen live
      }
      f.killedAt = System.currentTimeMillis();
      group.killMaster();
      f.notReadyMs = NodeProbe.awaitReady(port, 503, 10_000);
      group.awaitFailover(30_000);
      f.switchedAt = System.currentTimeMillis();
      NodeProbe.awaitReady(port, 200, 30_000);
      f.readyAt = System.currentTimeMillis();
      if (loop != null) {
        sleep(1000);
        outcomes.addAll(loop.stop());
      } else {
        for (int i = 0; i < 5; i++) {
          outcomes.add(publishUntilAccepted(port, TOPIC, "after-" + i, new ArrayList<>()));
        }
      }
      f.outcomes = outcomes;

      // What the new master kept decides what is owed: replication is asynchronous, so writes
      // acknowledged by the old master just before it died may be missing there.
      Set<String> kept = new HashSet<>();
      for (Object entry : Resp.list(group.replicaPort(), "XRANGE", "sse:{" + TOPIC + "}:h", "-", "+")) {
        kept.add((String) ((List<?>) entry).get(0));
      }
      f.accepted = outcomes.stream().filter(Outcome::accepted).toList();
      f.rejected = outcomes.size() - f.accepted.size();
      f.expected = ordered(f.accepted, kept);
      f.notReplicated = f.accepted.stream().filter(o -> !kept.contains(o.id())).map(Outcome::data).toList();
      awaitDelivered(f.clients, f.expected, Duration.ofSeconds(20));
      f.firstDeliveryAt = clock.firstArrival(e -> f.accepted.stream()
          .anyMatch(o -> o.sentAtMs() >= f.killedAt && o.data().equals(e.data())));
      f.signalAt = clock.firstArrival(e -> e.event().equals(ControlEvents.HISTORY_LOST));
      clock.close();
      f.reconnects = NodeProbe.metric(port, "sse_redis_reconnects_total") - reconnects;
      f.lostSignals = NodeProbe.metric(port, "sse_history_lost_total") - lostSignals;
      f.clients.forEach(SseClient::close);
    }
    return f;
  }

  /** The kept events' data, in publish order (one publisher at a time, so outcome order). */
  private static List<String> ordered(List<Outcome> accepted, Set<String> kept) {
    return accepted.stream().filter(o -> kept.contains(o.id())).map(Outcome::data).toList();
  }

  private static int indexOf(List<SseEvent> events, Predicate<SseEvent> p) {
    for (int i = 0; i < events.size(); i++) {
      if (p.test(events.get(i))) {
        return i;
      }
    }
    return -1;
  }
}

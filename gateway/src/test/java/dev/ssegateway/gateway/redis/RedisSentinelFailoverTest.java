package dev.ssegateway.gateway.redis;

import static dev.ssegateway.gateway.redis.RedisFaults.awaitDelivered;
import static dev.ssegateway.gateway.redis.RedisFaults.connect;
import static dev.ssegateway.gateway.redis.RedisFaults.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.redis.ArrivalClock;
import dev.ssegateway.gateway.testing.redis.DeliveryCheck;
import dev.ssegateway.gateway.testing.redis.NodeProbe;
import dev.ssegateway.gateway.testing.redis.PublishLoop;
import dev.ssegateway.gateway.testing.redis.PublishLoop.Outcome;
import dev.ssegateway.gateway.testing.redis.RedisSentinelGroup;
import dev.ssegateway.gateway.testing.redis.Resp;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Redis Sentinel failover")
@Timeout(180)
class RedisSentinelFailoverTest {

  @Test
  @DisplayName("when the master dies the node follows Sentinel to the new master: delivery, readiness and publishing"
      + " resume, and a tail lost with the old master is signalled, never skipped")
  void nodeFollowsFailover() {
    Vertx vertx = Vertx.vertx();
    try (RedisSentinelGroup group = RedisSentinelGroup.start();
         Gateways gateways = new Gateways()) {
      int port = gateways.start(1, group.sentinelUrl(), Map.of(
          "SSE_REDIS_MODE", "sentinel", "SSE_REDIS_MASTER", RedisSentinelGroup.MASTER_NAME)).get(0).port();
      NodeProbe.awaitReady(port, 200, 15_000);
      String topic = "failover";
      List<SseClient> clients = connect(vertx, port, topic, 3);
      ArrivalClock clock = new ArrivalClock(clients.get(0));
      double reconnects = NodeProbe.metric(port, "sse_redis_reconnects_total");
      double lostSignals = NodeProbe.metric(port, "sse_history_lost_total");

      PublishLoop loop = PublishLoop.start(topic, 20, port);
      sleep(1000);
      long killedAt = System.currentTimeMillis();
      group.killMaster();
      long notReadyMs = NodeProbe.awaitReady(port, 503, 10_000);
      group.awaitFailover(30_000);
      long switchedAt = System.currentTimeMillis();
      long readyMs = NodeProbe.awaitReady(port, 200, 30_000);
      long readyAt = System.currentTimeMillis();
      sleep(1000);
      List<Outcome> outcomes = loop.stop();

      // What the new master kept decides what is owed: replication is asynchronous, so writes
      // acknowledged by the old master just before it died may be missing there.
      Set<String> kept = new HashSet<>();
      for (Object entry : Resp.list(group.replicaPort(), "XRANGE", "sse:{" + topic + "}:h", "-", "+")) {
        kept.add((String) ((List<?>) entry).get(0));
      }
      List<Outcome> accepted = outcomes.stream().filter(Outcome::accepted).toList();
      List<String> expected = accepted.stream().filter(o -> kept.contains(o.id())).map(Outcome::data).toList();
      List<String> notReplicated = accepted.stream().filter(o -> !kept.contains(o.id())).map(Outcome::data).toList();
      awaitDelivered(clients, expected, Duration.ofSeconds(20));
      long firstAt = clock.firstArrival(e -> accepted.stream()
          .anyMatch(o -> o.sentAtMs() >= killedAt && o.data().equals(e.data())));
      long signalAt = clock.firstArrival(e -> e.event().equals(ControlEvents.HISTORY_LOST));
      clock.close();

      List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList();
      long rejected = outcomes.size() - accepted.size();
      System.out.printf("[redis-sentinel failover] clients=%d accepted=%d rejected-during-failover=%d"
              + " notReplicated(lost with the old master)=%d notReadyAfterKill=%dms failover(kill -> new master)=%dms"
              + " readyAfterSwitch=%dms recovery(new master -> first event delivered)=%dms historyLostSignal=%s"
              + " reconnects=+%.0f historyLostTotal=+%.0f%n  %s%n",
          clients.size(), accepted.size(), rejected, notReplicated.size(), notReadyMs, switchedAt - killedAt,
          readyMs, firstAt < 0 ? -1 : firstAt - switchedAt, signalAt < 0 ? "none" : (signalAt - switchedAt) + "ms after switch",
          NodeProbe.metric(port, "sse_redis_reconnects_total") - reconnects,
          NodeProbe.metric(port, "sse_history_lost_total") - lostSignals, checks);

      for (SseClient c : clients) {
        DeliveryCheck check = DeliveryCheck.of(expected, c.events());
        assertThat(check.lost()).as("everything the new master holds arrives").isEmpty();
        assertThat(check.duplicates()).as("nothing twice").isZero();
        assertThat(check.inOrder()).as("in publish order").isTrue();
        // Events delivered live before the kill but missing on the new master: the node's position
        // is unknown to the new history, so it must say so (once) instead of skipping silently.
        boolean sawLostTail = check.unexpected().stream().anyMatch(notReplicated::contains);
        assertThat(check.unexpected()).as("only events that died with the old master are unexpected")
            .allMatch(notReplicated::contains);
        assertThat(check.historyLost()).as("sse-history-lost exactly when the new master lacks what the client saw")
            .isEqualTo(sawLostTail ? 1 : 0);
      }
      assertThat(outcomes.stream().filter(o -> o.sentAtMs() >= readyAt))
          .as("publishing works against the new master once ready").isNotEmpty().allMatch(Outcome::accepted);
      assertThat(NodeProbe.metric(port, "sse_redis_reconnects_total") - reconnects).isGreaterThanOrEqualTo(1);
      clients.forEach(SseClient::close);
    } finally {
      Gateways.await(vertx.close());
    }
  }
}

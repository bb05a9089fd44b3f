package dev.ssegateway.gateway.redis;

import static dev.ssegateway.gateway.redis.RedisFaults.awaitDelivered;
import static dev.ssegateway.gateway.redis.RedisFaults.connect;
import static dev.ssegateway.gateway.redis.RedisFaults.publishUntilAccepted;
import static dev.ssegateway.gateway.redis.RedisFaults.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.redis.ArrivalClock;
import dev.ssegateway.gateway.testing.redis.DeliveryCheck;
import dev.ssegateway.gateway.testing.redis.NodeProbe;
import dev.ssegateway.gateway.testing.redis.PublishLoop;
import dev.ssegateway.gateway.testing.redis.PublishLoop.Outcome;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@DisplayName("Standalone Redis outages")
@Timeout(120)
class StandaloneRedisOutageTest {
  private static final long OUTAGE_MS = 3000;
  private static final String RECONNECTS = "sse_redis_reconnects_total";
  private static final String REPAIRED = "sse_events_repaired_total";
  private static final String HISTORY_LOST = "sse_history_lost_total";

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
  @DisplayName("clients stay connected through a Redis restart with persistence and get every event exactly once")
  void restartWithPersistenceLosesNothing() {
    try (RedisServer redis = RedisServer.start("--appendonly", "yes", "--appendfsync", "always");
         Gateways gateways = new Gateways()) {
      int port = gateways.start(1, redis.url(), Map.of()).get(0).port();
      String topic = "outage-aof";
      List<SseClient> clients = connect(vertx, port, topic, 5);
      List<String> expected = new ArrayList<>();
      List<Outcome> rejected = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        expected.add(publishUntilAccepted(port, topic, "before-" + i, rejected).data());
      }
      awaitDelivered(clients, expected, Duration.ofSeconds(10));
      assertThat(NodeProbe.readyStatus(port)).isEqualTo(200);
      double reconnects = NodeProbe.metric(port, RECONNECTS);
      double repaired = NodeProbe.metric(port, REPAIRED);
      ArrivalClock clock = new ArrivalClock(clients.get(0));
      int seenBefore = clients.get(0).events().size();

      long stoppedAt = System.currentTimeMillis();
      redis.stop();
      long notReadyMs = NodeProbe.awaitReady(port, 503, 5000);
      Outcome during = PublishLoop.publishOnce(port, topic, "during-outage");
      assertThat(during.status()).as("publishing while Redis is down fails clearly").isEqualTo(503);
      assertThat(new JsonObject(during.body()).getString("error")).isEqualTo("broker_unavailable");
      sleep(Math.max(0, OUTAGE_MS - (System.currentTimeMillis() - stoppedAt)));

      redis.restart();
      long backAt = System.currentTimeMillis();
      // At once, while the node's subscriber still waits out its backoff: these reach the
      // clients through the repair from history (the node missed them live).
      for (int i = 0; i < 10; i++) {
        expected.add(publishUntilAccepted(port, topic, "after-restart-" + i, rejected).data());
      }
      boolean burstBeforeResubscribe = NodeProbe.metric(port, RECONNECTS) == reconnects;
      long readyAgainMs = NodeProbe.awaitReady(port, 200, 15_000);
      for (int i = 0; i < 10; i++) {
        expected.add(publishUntilAccepted(port, topic, "live-" + i, rejected).data());
      }
      awaitDelivered(clients, expected, Duration.ofSeconds(20));
      long firstAfter = clock.firstArrivalAfter(seenBefore);
      clock.close();

      List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList();
      double reconnected = NodeProbe.metric(port, RECONNECTS) - reconnects;
      double repairedNow = NodeProbe.metric(port, REPAIRED) - repaired;
      System.out.printf("[redis-outage aof] clients=%d published=%d rejected-while-down=%d notReadyAfter=%dms"
              + " readyAgainAfterRestart=%dms recovery(Redis back -> first delivery)=%dms reconnects=+%.0f"
              + " repaired=+%.0f burstBeforeResubscribe=%s%n  %s%n",
          clients.size(), expected.size(), rejected.size() + 1, notReadyMs, readyAgainMs,
          firstAfter < 0 ? -1 : firstAfter - backAt, reconnected, repairedNow, burstBeforeResubscribe, checks);

      for (DeliveryCheck check : checks) {
        assertThat(check.exact()).as("every event exactly once, in order: " + check).isTrue();
        assertThat(check.historyLost()).as("history covered the outage: no lost-history event").isZero();
      }
      assertThat(clients).allMatch(c -> c.connects() == 1, "clients stayed connected");
      assertThat(reconnected).isGreaterThanOrEqualTo(1);
      if (burstBeforeResubscribe) {
        assertThat(repairedNow).as("events published before the node resubscribed came from history").isGreaterThanOrEqualTo(1);
      }
      clients.forEach(SseClient::close);
    }
  }

  @Test
  @DisplayName("after a Redis restart without persistence, clients are told with sse-history-lost instead of a silent skip")
  void restartWithoutPersistenceSignalsLostHistory() {
    try (RedisServer redis = RedisServer.start();
         Gateways gateways = new Gateways()) {
      int port = gateways.start(1, redis.url(), Map.of()).get(0).port();
      String topic = "outage-volatile";
      List<SseClient> clients = connect(vertx, port, topic, 3);
      List<Outcome> rejected = new ArrayList<>();
      List<String> expected = new ArrayList<>();
      String lastBefore = null;
      for (int i = 0; i < 5; i++) {
        Outcome o = publishUntilAccepted(port, topic, "before-" + i, rejected);
        expected.add(o.data());
        lastBefore = o.id();
      }
      awaitDelivered(clients, expected, Duration.ofSeconds(10));
      double lostSignals = NodeProbe.metric(port, HISTORY_LOST);
      ArrivalClock clock = new ArrivalClock(clients.get(0));

      long stoppedAt = System.currentTimeMillis();
      redis.stop();
      long notReadyMs = NodeProbe.awaitReady(port, 503, 5000);
      sleep(Math.max(0, OUTAGE_MS - (System.currentTimeMillis() - stoppedAt)));
      redis.restart();
      long backAt = System.currentTimeMillis();
      for (int i = 0; i < 5; i++) {
        expected.add(publishUntilAccepted(port, topic, "after-restart-" + i, rejected).data());
      }
      long readyAgainMs = NodeProbe.awaitReady(port, 200, 15_000);
      for (int i = 0; i < 5; i++) {
        expected.add(publishUntilAccepted(port, topic, "live-" + i, rejected).data());
      }
      awaitDelivered(clients, expected, Duration.ofSeconds(20));
      long signalAt = clock.firstArrival(e -> e.event().equals(ControlEvents.HISTORY_LOST));
      clock.close();

      List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList();
      System.out.printf("[redis-outage volatile] clients=%d published=%d notReadyAfter=%dms readyAgainAfterRestart=%dms"
              + " recovery(Redis back -> sse-history-lost delivered)=%dms historyLostSignals=+%.0f%n  %s%n",
          clients.size(), expected.size(), notReadyMs, readyAgainMs,
          signalAt < 0 ? -1 : signalAt - backAt, NodeProbe.metric(port, HISTORY_LOST) - lostSignals, checks);

      for (SseClient c : clients) {
        DeliveryCheck check = DeliveryCheck.of(expected, c.events());
        assertThat(check.exact()).as("every published event exactly once: " + check).isTrue();
        assertThat(check.historyLost()).as("told once that history was lost").isEqualTo(1);
        List<SseEvent> events = c.events();
        int signal = indexOf(events, ControlEvents.HISTORY_LOST, null);
        assertThat(signal).as("the signal comes after the events before the restart")
            .isGreaterThan(indexOf(events, "message", "before-4"));
        assertThat(signal).as("and before the events after it")
            .isLessThan(indexOf(events, "message", "after-restart-0"));
        JsonObject data = new JsonObject(events.get(signal).data());
        assertThat(data.getString("topic")).isEqualTo(topic);
        assertThat(data.getString("lastEventId")).isEqualTo(lastBefore);
      }
      assertThat(NodeProbe.metric(port, HISTORY_LOST) - lostSignals).isGreaterThanOrEqualTo(1);
      clients.forEach(SseClient::close);
    }
  }

  @Test
  @DisplayName("a killed subscriber connection (CLIENT KILL TYPE pubsub) is repaired from history with no loss")
  void killedSubscriberConnectionIsRepaired() {
    try (RedisServer redis = RedisServer.start();
         Gateways gateways = new Gateways()) {
      int port = gateways.start(1, redis.url(), Map.of()).get(0).port();
      String topic = "killed-subscriber";
      List<SseClient> clients = connect(vertx, port, topic, 3);
      ArrivalClock clock = new ArrivalClock(clients.get(0));
      double reconnects = NodeProbe.metric(port, RECONNECTS);
      double repaired = NodeProbe.metric(port, REPAIRED);

      PublishLoop loop = PublishLoop.start(topic, 5, port);
      sleep(1000);
      long killedAt = System.currentTimeMillis();
      long killed = (Long) Resp.call(redis.port(), "CLIENT", "KILL", "TYPE", "pubsub");
      sleep(1500);
      List<Outcome> outcomes = loop.stop();
      List<String> expected = outcomes.stream().filter(Outcome::accepted).map(Outcome::data).toList();
      awaitDelivered(clients, expected, Duration.ofSeconds(15));
      String firstAfterKill = outcomes.stream().filter(o -> o.sentAtMs() >= killedAt).findFirst().orElseThrow().data();
      long firstAt = clock.firstArrival(e -> e.data().equals(firstAfterKill));
      clock.close();

      List<DeliveryCheck> checks = clients.stream().map(c -> DeliveryCheck.of(expected, c.events())).toList();
      double reconnected = NodeProbe.metric(port, RECONNECTS) - reconnects;
      double repairedNow = NodeProbe.metric(port, REPAIRED) - repaired;
      System.out.printf("[redis-subscriber-killed] clients=%d published=%d killedConnections=%d"
              + " recovery(kill -> first event published after it delivered)=%dms reconnects=+%.0f repaired=+%.0f%n  %s%n",
          clients.size(), expected.size(), killed, firstAt < 0 ? -1 : firstAt - killedAt, reconnected, repairedNow, checks);

      assertThat(killed).as("the node's subscriber connection was killed").isGreaterThanOrEqualTo(1);
      assertThat(outcomes).allMatch(Outcome::accepted, "publishing never stopped");
      for (DeliveryCheck check : checks) {
        assertThat(check.exact()).as("every event exactly once, in order: " + check).isTrue();
        assertThat(check.historyLost()).isZero();
      }
      assertThat(reconnected).isGreaterThanOrEqualTo(1);
      assertThat(repairedNow).as("events published while the subscriber was away came from history").isGreaterThanOrEqualTo(1);
      clients.forEach(SseClient::close);
    }
  }

  private static int indexOf(List<SseEvent> events, String event, String data) {
    for (int i = 0; i < events.size(); i++) {
      SseEvent e = events.get(i);
      if (e.event().equals(event) && (data == null || data.equals(e.data()))) {
        return i;
      }
    }
    return -1;
  }
}

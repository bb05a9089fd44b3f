package dev.ssegateway.gateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.redis.DeliveryCheck;
import dev.ssegateway.gateway.testing.redis.PublishLoop;
import dev.ssegateway.gateway.testing.redis.PublishLoop.Outcome;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Small steps the Redis fault tests share. */
final class RedisFaults {
  private RedisFaults() {}

  static List<SseClient> connect(Vertx vertx, int port, String topic, int count) {
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clients.add(SseClient.connect(vertx, port, "/events?topic=" + topic));
    }
    long end = System.currentTimeMillis() + 15_000;
    while (!clients.stream().allMatch(c -> !c.lastEventId().isEmpty())) {
      assertThat(System.currentTimeMillis()).as("clients streaming within 15 s").isLessThan(end);
      sleep(20);
    }
    return clients;
  }

  /** Publishes until accepted: a 503 means "not published", so publishing again is safe. */
  static Outcome publishUntilAccepted(int port, String topic, String data, List<Outcome> rejected) {
    long end = System.currentTimeMillis() + 20_000;
    while (true) {
      Outcome o = PublishLoop.publishOnce(port, topic, data);
      if (o.accepted()) {
        return o;
      }
      assertThat(o.status()).as("a failed publish is a clear 503: " + o.body()).isEqualTo(503);
      rejected.add(o);
      assertThat(System.currentTimeMillis()).as("publish accepted again within 20 s").isLessThan(end);
      sleep(100);
    }
  }

  /** Waits until every client has every expected event (or the timeout), then a little more for duplicates. */
  static void awaitDelivered(List<SseClient> clients, List<String> expected, Duration timeout) {
    long end = System.currentTimeMillis() + timeout.toMillis();
    for (SseClient c : clients) {
      while (!DeliveryCheck.of(expected, c.events()).lost().isEmpty() && System.currentTimeMillis() < end) {
        sleep(20);
      }
    }
    sleep(300); // a duplicate would arrive now
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

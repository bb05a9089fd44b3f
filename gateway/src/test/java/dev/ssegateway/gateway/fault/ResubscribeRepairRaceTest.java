package dev.ssegateway.gateway.fault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.RedisPublisher;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The race behind the losses the fault suite sees now and then in (b) and (d), made (nearly)
 * deterministic: one node subscribed to 16 topics, events published to all of them without pause,
 * and Redis drops the node's subscriber connection ({@code CLIENT KILL TYPE pubsub}; Redis itself
 * stays up with all history). After the reconnect the node must repair every topic from history,
 * so each client still gets every event once.
 *
 * <p>It fails today: the subscriber forwards messages of a channel as soon as Redis confirms that
 * channel, but the hub learns of the reconnect (and starts holding live events for its repair)
 * only after every channel is confirmed and a context hop later. A live event in between moves
 * the topic's last delivered id past the gap, and the repair then starts after the gap: the
 * events published while the subscriber was down are lost silently, with no sse-history-lost.
 */
@DisplayName("Redis drops the subscriber connection while events flow: the repair after the reconnect loses nothing")
class ResubscribeRepairRaceTest {
  private static final int TOPICS = 16;
  private static final int KILLS = 14;

  private RedisServer redis;
  private Gateways gateways;
  private Vertx vertx;

  @AfterEach
  void stop() {
    if (gateways != null) {
      gateways.close();
    }
    if (vertx != null) {
      vertx.close();
    }
    if (redis != null) {
      redis.kill();
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("events published while the node resubscribes reach every client once, in order")
  void eventsPublishedDuringTheResubscribeAreRepaired() throws Exception {
    redis = RedisServer.start();
    gateways = new Gateways();
    GatewayNode node = gateways.start(1, redis.url(), Map.of()).get(0);
    vertx = Vertx.vertx();
    String run = Long.toString(System.nanoTime() % 1_000_000);
    List<String> topics = new ArrayList<>();
    List<SseClient> clients = new ArrayList<>();
    for (int i = 0; i < TOPICS; i++) {
      topics.add("race-" + run + "-" + i);
      clients.add(SseClient.connect(vertx, node.port(), "/events?topic=" + topics.get(i)));
    }
    long deadline = System.currentTimeMillis() + 10_000;
    while (clients.stream().anyMatch(c -> c.lastEventId().isEmpty()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }

    Redis commands = Redis.createClient(vertx, redis.url());
    RedisPublisher publisher = new RedisPublisher(commands, new PublisherOptions().setHistorySize(100_000));
    long[] published = new long[TOPICS];
    long start = System.currentTimeMillis();
    int kills = 0;
    // Publish to every topic at once, round after round, for 3 s; Redis drops the subscriber
    // connection every 200 ms from 0.2 s on (the node reconnects within 50-100 ms each time).
    while (System.currentTimeMillis() - start < 3000) {
      if (System.currentTimeMillis() - start > 200L * (kills + 1) && kills < KILLS) {
        FaultRig.await(commands.send(Request.cmd(Command.CLIENT).arg("KILL").arg("TYPE").arg("pubsub")));
        kills++;
      }
      List<Future<String>> round = new ArrayList<>(TOPICS);
      for (int t = 0; t < TOPICS; t++) {
        round.add(publisher.publish(PublishRequest.of(topics.get(t), null, Long.toString(published[t]++))));
      }
      FaultRig.await(Future.all(round));
    }

    int lostTotal = 0;
    int duplicatesTotal = 0;
    StringBuilder problems = new StringBuilder();
    for (int t = 0; t < TOPICS; t++) {
      String last = Long.toString(published[t] - 1);
      SseClient c = clients.get(t);
      long until = System.currentTimeMillis() + 10_000;
      while (!endsWith(c.data(), last) && System.currentTimeMillis() < until) {
        Thread.sleep(20);
      }
      List<String> history = history(commands, topics.get(t));
      List<String> got = c.data();
      long distinct = got.stream().distinct().count();
      java.util.Set<String> received = new java.util.HashSet<>(got);
      int lost = (int) history.stream().filter(h -> !received.contains(h)).count();
      lostTotal += lost;
      duplicatesTotal += got.size() - (int) distinct;
      long historyLost = c.events().stream().filter(e -> e.event().equals("sse-history-lost")).count();
      if (lost > 0 || got.size() != distinct) {
        problems.append("\n  topic ").append(t).append(": history ").append(history.size()).append(", received ")
            .append(got.size()).append(", lost ").append(lost).append(", sse-history-lost ").append(historyLost);
      }
    }
    System.out.println("[fault-suite] resubscribe race: " + TOPICS + " topics, " + sum(published) + " events, "
        + kills + " subscriber connections dropped, lost "
        + lostTotal + ", duplicates " + duplicatesTotal + problems);
    clients.forEach(SseClient::close);
    commands.close();
    assertThat(lostTotal).as("events lost across the resubscribe:%s", problems).isZero();
    assertThat(duplicatesTotal).as("events received twice").isZero();
  }

  private static List<String> history(Redis redis, String topic) {
    Response r = FaultRig.await(redis.send(Request.cmd(Command.XRANGE)
        .arg(WireFormat.historyKey(FaultRig.PREFIX, topic)).arg("-").arg("+")));
    List<String> data = new ArrayList<>();
    for (Response entry : r) {
      Response fields = entry.get(1);
      for (int j = 0; j + 1 < fields.size(); j += 2) {
        if (fields.get(j).toString().equals(WireFormat.FIELD_DATA)) {
          data.add(fields.get(j + 1).toString());
        }
      }
    }
    return data;
  }

  private static boolean endsWith(List<String> data, String last) {
    return !data.isEmpty() && data.get(data.size() - 1).equals(last);
  }

  private static long sum(long[] values) {
    long s = 0;
    for (long v : values) {
      s += v;
    }
    return s;
  }
}

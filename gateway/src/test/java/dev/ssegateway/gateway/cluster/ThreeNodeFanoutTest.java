package dev.ssegateway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Three nodes on one Redis")
class ThreeNodeFanoutTest {
  private static RedisServer redis;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;
  private static Vertx clientVertx;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    nodes = gateways.start(3, redis.url(), Map.of());
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    clientVertx.close();
    redis.close();
  }

  @Test
  @DisplayName("every subscriber on every node receives each event exactly once, in order, wherever it was published")
  void everySubscriberGetsEveryEventOnceInOrder() throws Exception {
    List<SseClient> clients = new ArrayList<>();
    for (GatewayNode node : nodes) {
      for (int i = 0; i < 3; i++) {
        clients.add(SseClient.connect(clientVertx, node.port(), "/events?topic=orders"));
      }
    }
    awaitSubscribed(clients);

    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      GatewayNode via = nodes.get(i % 3);
      String data = "event-" + i;
      expected.add(data);
      var resp = Http.publish(via.port(), new JsonObject().put("topic", "orders").put("data", data).encode());
      assertThat(resp.statusCode()).isEqualTo(200);
    }
    // A backend publishing straight into Redis with a plain PUBLISH (no history, no id).
    Redis client = Redis.createClient(clientVertx, redis.url());
    Gateways.await(client.send(Request.cmd(Command.PUBLISH).arg("sse:{orders}").arg("raw-from-redis")));
    expected.add("raw-from-redis");

    for (SseClient c : clients) {
      c.awaitCount(expected.size(), Duration.ofSeconds(10));
    }
    Thread.sleep(200); // anything extra (a duplicate) would arrive now
    for (SseClient c : clients) {
      assertThat(c.data()).containsExactlyElementsOf(expected);
    }

    Response numsub = Gateways.await(client.send(Request.cmd(Command.PUBSUB).arg("NUMSUB").arg("sse:{orders}")));
    assertThat(numsub.get(1).toInteger())
        .as("one Redis subscription per node, however many clients each node has")
        .isEqualTo(3);
    clients.forEach(SseClient::close);
    client.close();
  }

  private static void awaitSubscribed(List<SseClient> clients) throws InterruptedException {
    long end = System.currentTimeMillis() + 10_000;
    while (System.currentTimeMillis() < end) {
      if (clients.stream().allMatch(c -> !c.lastEventId().isEmpty())) {
        return; // each stream has sent its starting id: subscribed and live
      }
      Thread.sleep(20);
    }
    throw new AssertionError("clients did not start streaming");
  }
}

package dev.ssegateway.gateway.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Presence when the node's Hazelcast member is gone")
class PresenceWithoutHazelcastTest {

  @Test
  @DisplayName("GET /presence answers 503 cluster_unavailable; streams still open and deliver")
  void presenceFailsClearlyStreamsGoOn() throws Exception {
    Vertx clientVertx = Vertx.vertx();
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of());
      assertThat(Http.get(node.port(), "/presence?topic=t").statusCode()).isEqualTo(200);
      node.cluster().terminate();

      long asked = System.currentTimeMillis();
      HttpResponse<String> r = Http.get(node.port(), "/presence?topic=t");
      System.out.printf("presence: answered %d in %d ms with the member gone%n", r.statusCode(),
          System.currentTimeMillis() - asked);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getString("error")).isEqualTo("cluster_unavailable");

      SseClient c = SseClient.connect(clientVertx, node.port(), "/events?topic=t&presence=1");
      long end = System.currentTimeMillis() + 10_000;
      while (!c.isConnected() && System.currentTimeMillis() < end) {
        Thread.sleep(20);
      }
      assertThat(Http.publish(node.port(), new JsonObject().put("topic", "t").put("data", "still here").encode())
          .statusCode()).isEqualTo(200);
      c.awaitEvents(e -> c.data().contains("still here"), java.time.Duration.ofSeconds(5));
      c.close();
    } finally {
      clientVertx.close();
    }
  }
}

package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The other side of cutting off slow consumers: a client that reads, but resumes far behind, has
 * more history to receive than its queue holds. It must get it at its own pace, not be cut off.
 */
@DisplayName("Resuming far behind")
class ResumeBacklogTest {
  static final int EVENTS = 1000;
  static final int QUEUE_BYTES = 65_536;

  @Test
  @DisplayName("a reading client that resumes 1 MB of history behind (16 times its queue) receives all of it,"
      + " in order, and then live events, without being cut off as a slow consumer")
  void backlogLargerThanTheQueueIsReplayedAtTheClientsPace() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_CLIENT_QUEUE_BYTES", Integer.toString(QUEUE_BYTES),
          "SSE_HISTORY_SIZE", Integer.toString(EVENTS),
          "SSE_PUBLISH_RATE", "0"));
      int port = node.port();
      String pad = "z".repeat(1000);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        String body = new JsonObject().put("topic", "backlog").put("data", i + " " + pad).encode();
        ids.add(new JsonObject(Http.publish(port, body).body()).getString("id"));
      }

      RawSseStream client = RawSseStream.open(port, "/events?topic=backlog", Map.of("Last-Event-ID", ids.get(0)));
      client.awaitCount(EVENTS - 1, Duration.ofSeconds(30));
      Http.publish(port, new JsonObject().put("topic", "backlog").put("data", "live").encode());
      client.awaitCount(EVENTS, Duration.ofSeconds(10));

      List<SseEvent> got = client.events();
      for (int i = 1; i < EVENTS; i++) {
        assertThat(got.get(i - 1).data()).startsWith(i + " ");
      }
      assertThat(got.get(EVENTS - 1).data()).isEqualTo("live");
      assertThat(client.ended()).as("the stream is still open").isFalse();
      assertThat(Scrape.disconnects(port, "slow_consumer")).isZero();
      System.out.printf("resumed %d events (%,d bytes of history, queue %d B) and went live%n", EVENTS - 1,
          client.bytes().length, QUEUE_BYTES);
      client.close();
    }
  }
}

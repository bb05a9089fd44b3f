package dev.ssegateway.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The "finite stream" pattern: a publish with close: true is the last event of its topic's streams. */
@DisplayName("close: true delivers the event, then ends the topic's streams")
class CloseEndsStreamsTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static RedisServer redis;
  private static Gateways gateways;
  private static GatewayNode a;
  private static GatewayNode b;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    List<GatewayNode> nodes = gateways.start(2, redis.url(), Map.of());
    a = nodes.get(0);
    b = nodes.get(1);
  }

  @AfterAll
  static void stop() {
    gateways.close();
    redis.close();
  }

  @Test
  @DisplayName("every one-topic subscriber on every node gets the close event, then its stream ends")
  void oneTopicStreamsEndEverywhere() {
    String job = topic();
    try (RawSseStream onA1 = live(a, "/events?topic=" + job);
        RawSseStream onA2 = live(a, "/events?topic=" + job);
        RawSseStream onB = live(b, "/events?topic=" + job)) {
      String progress = publish(a, new JsonObject().put("topic", job).put("event", "progress").put("data", "50%"));
      String done = publish(b, new JsonObject().put("topic", job).put("event", "done").put("data", "{\"ok\":true}")
          .put("close", true));
      for (RawSseStream s : List.of(onA1, onA2, onB)) {
        s.awaitEnded(WAIT);
        assertThat(s.events()).containsExactly(
            new SseEvent(progress, "progress", "50%"),
            new SseEvent(done, "done", "{\"ok\":true}"));
        assertThat(s.lastEventId()).isEqualTo(done);
      }
    }
  }

  @Test
  @DisplayName("a two-topic connection keeps its other topic after one topic closes, and gets nothing more of the closed one")
  void otherTopicStaysOpen() throws InterruptedException {
    String job = topic();
    String chat = topic();
    try (RawSseStream both = live(a, "/events?topic=" + job + "&topic=" + chat);
        RawSseStream jobOnly = live(b, "/events?topic=" + job)) {
      publish(b, new JsonObject().put("topic", job).put("data", "finished").put("close", true));
      both.awaitCount(1, WAIT);
      jobOnly.awaitEnded(WAIT);
      Thread.sleep(300);
      assertThat(both.ended()).as("the stream still carries the other topic").isFalse();

      publish(b, new JsonObject().put("topic", chat).put("data", "hello"));
      publish(a, new JsonObject().put("topic", job).put("data", "a later run of the job"));
      publish(a, new JsonObject().put("topic", chat).put("data", "still here"));
      both.awaitCount(3, WAIT);
      Thread.sleep(200);
      assertThat(both.events()).extracting(SseEvent::data).containsExactly("finished", "hello", "still here");
      assertThat(both.ended()).isFalse();
    }
  }

  @Test
  @DisplayName("both topics of a two-topic connection closing ends the stream")
  void allTopicsClosedEndsStream() {
    String t1 = topic();
    String t2 = topic();
    try (RawSseStream both = live(b, "/events?topic=" + t1 + "&topic=" + t2)) {
      publish(a, new JsonObject().put("topic", t1).put("data", "one done").put("close", true));
      publish(b, new JsonObject().put("topic", t2).put("data", "two done").put("close", true));
      both.awaitEnded(WAIT);
      assertThat(both.events()).extracting(SseEvent::data).containsExactlyInAnyOrder("one done", "two done");
    }
  }

  @Test
  @DisplayName("subscribing to a topic that has already closed gets 204 at once, which stops EventSource")
  void subscribingToAClosedTopic() {
    String job = topic();
    publish(a, new JsonObject().put("topic", job).put("data", "over").put("close", true));
    try (RawSseStream late = RawSseStream.open(b.port(), "/events?topic=" + job)) {
      assertThat(late.status()).isEqualTo(204);
    }
  }

  private static RawSseStream live(GatewayNode node, String path) {
    RawSseStream s = RawSseStream.open(node.port(), path);
    s.awaitLive(WAIT);
    return s;
  }

  private static String topic() {
    return "job-" + UUID.randomUUID();
  }

  private static String publish(GatewayNode node, JsonObject body) {
    HttpResponse<String> resp = Http.publish(node.port(), body.encode());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return new JsonObject(resp.body()).getString("id");
  }
}

package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A client that comes back with its last id gets exactly what it missed: on the node it left or
 * on another one, for one topic or several, with the loss said out loud when history no longer
 * reaches back.
 */
@DisplayName("Resume with Last-Event-ID, on one node and across nodes")
class ResumeTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final int HISTORY = 5;
  private static RedisServer redis;
  private static Gateways gateways;
  private static GatewayNode a;
  private static GatewayNode b;
  private static Vertx clientVertx;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    List<GatewayNode> nodes = gateways.start(2, redis.url(),
        Map.of("SSE_HISTORY_SIZE", Integer.toString(HISTORY), "SSE_RETRY_MS", "100"));
    a = nodes.get(0);
    b = nodes.get(1);
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    clientVertx.close();
    redis.close();
  }

  @Test
  @DisplayName("reconnecting with the Last-Event-ID header to the same node gets exactly the missed events, then live ones")
  void headerOnSameNode() {
    resumesExactly(a, a, true);
  }

  @Test
  @DisplayName("reconnecting with ?lastEventId= gets exactly the missed events, then live ones")
  void queryParameter() {
    resumesExactly(a, a, false);
  }

  @Test
  @DisplayName("an id seen on one node resumes exactly on another node")
  void idFromTheOtherNode() {
    resumesExactly(a, b, true);
    resumesExactly(b, a, false);
  }

  private static void resumesExactly(GatewayNode first, GatewayNode second, boolean viaHeader) {
    String topic = topic();
    List<String> ids = new ArrayList<>();
    String lastSeen;
    try (RawSseStream stream = RawSseStream.open(first.port(), "/events?topic=" + topic)) {
      stream.awaitLive(WAIT);
      ids.add(publish(a, topic, "1"));
      ids.add(publish(b, topic, "2"));
      stream.awaitCount(2, WAIT);
      lastSeen = stream.lastEventId();
      assertThat(lastSeen).isEqualTo(ids.get(1));
    }
    ids.add(publish(a, topic, "3"));
    ids.add(publish(b, topic, "4"));
    String path = "/events?topic=" + topic + (viaHeader ? "" : "&lastEventId=" + lastSeen);
    Map<String, String> headers = viaHeader ? Map.of("Last-Event-ID", lastSeen) : Map.of();
    try (RawSseStream resumed = RawSseStream.open(second.port(), path, headers)) {
      resumed.awaitCount(2, WAIT);
      ids.add(publish(first, topic, "5"));
      resumed.awaitCount(3, WAIT);
      pause();
      assertThat(resumed.events()).containsExactly(
          new SseEvent(ids.get(2), "message", "3"),
          new SseEvent(ids.get(3), "message", "4"),
          new SseEvent(ids.get(4), "message", "5"));
    }
  }

  @Test
  @DisplayName("a 3-topic connection's id is the topics' positions in sorted order, and resumes every topic exactly")
  void threeTopicCursor() {
    String base = "cursor-" + UUID.randomUUID().toString().substring(0, 8);
    String ta = base + "-a";
    String tb = base + "-b";
    String tc = base + "-c";
    String path = "/events?topic=" + tc + "&topic=" + ta + "&topic=" + tb; // not in sorted order
    String a1;
    String b1;
    String c1;
    try (RawSseStream stream = RawSseStream.open(a.port(), path)) {
      stream.awaitLive(WAIT);
      assertThat(stream.lastEventId()).isEqualTo("0-0,0-0,0-0");
      a1 = publish(a, ta, "a1");
      stream.awaitCount(1, WAIT);
      b1 = publish(b, tb, "b1");
      stream.awaitCount(2, WAIT);
      c1 = publish(a, tc, "c1");
      stream.awaitCount(3, WAIT);
      assertThat(stream.events()).containsExactly(
          new SseEvent(a1 + ",0-0,0-0", "message", "a1"),
          new SseEvent(a1 + "," + b1 + ",0-0", "message", "b1"),
          new SseEvent(a1 + "," + b1 + "," + c1, "message", "c1"));
    }
    String a2 = publish(a, ta, "a2");
    String c2 = publish(b, tc, "c2");
    String a3 = publish(b, ta, "a3");

    try (RawSseStream resumed = RawSseStream.open(b.port(), path, Map.of("Last-Event-ID", a1 + "," + b1 + "," + c1))) {
      resumed.awaitCount(3, WAIT);
      String b2 = publish(a, tb, "b2");
      resumed.awaitCount(4, WAIT);
      pause();
      List<SseEvent> events = resumed.events();
      assertThat(events).extracting(SseEvent::data).containsExactlyInAnyOrder("a2", "a3", "c2", "b2");
      assertThat(events.stream().map(SseEvent::data).filter(d -> d.startsWith("a"))).as("per topic in order")
          .containsExactly("a2", "a3");
      assertThat(events.get(3)).isEqualTo(new SseEvent(a3 + "," + b2 + "," + c2, "message", "b2"));
      for (SseEvent e : events) {
        String[] positions = e.id().split(",", -1);
        assertThat(positions).hasSize(3);
        String own = e.data().startsWith("a") ? positions[0] : e.data().startsWith("b") ? positions[1] : positions[2];
        assertThat(own).as("the position of the event's own topic is the event's id")
            .isEqualTo(Map.of("a2", a2, "a3", a3, "c2", c2, "b2", b2).get(e.data()));
      }
    }
  }

  @Test
  @DisplayName("history trimmed past the client's id: sse-history-lost {topic,lastEventId,oldestId}, then every kept event")
  void trimmedHistorySaysSo() {
    String topic = topic();
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 8; i++) {
      ids.add(publish(i % 2 == 0 ? a : b, topic, "e" + i));
    }
    // SSE_HISTORY_SIZE=5 keeps e4..e8; the client last saw e1.
    try (RawSseStream resumed = RawSseStream.open(b.port(), "/events?topic=" + topic, Map.of("Last-Event-ID", ids.get(0)))) {
      resumed.awaitCount(6, WAIT);
      pause();
      List<SseEvent> events = resumed.events();
      assertThat(events).hasSize(6);
      SseEvent lost = events.get(0);
      assertThat(lost.event()).isEqualTo("sse-history-lost");
      JsonObject data = new JsonObject(lost.data());
      assertThat(data.getString("topic")).isEqualTo(topic);
      assertThat(data.getString("lastEventId")).isEqualTo(ids.get(0));
      assertThat(data.getString("oldestId")).isEqualTo(ids.get(3));
      assertThat(events.subList(1, 6)).extracting(SseEvent::data).containsExactly("e4", "e5", "e6", "e7", "e8");
      assertThat(events.subList(1, 6)).extracting(SseEvent::id).containsExactlyElementsOf(ids.subList(3, 8));
    }
  }

  @Test
  @DisplayName("a garbage id gets sse-history-lost, then everything history keeps")
  void garbageId() {
    String topic = topic();
    List<String> ids = List.of(publish(a, topic, "k1"), publish(b, topic, "k2"), publish(a, topic, "k3"));
    try (RawSseStream resumed = RawSseStream.open(a.port(), "/events?topic=" + topic, Map.of("Last-Event-ID", "garbage"))) {
      resumed.awaitCount(4, WAIT);
      pause();
      List<SseEvent> events = resumed.events();
      assertThat(events).extracting(SseEvent::event).containsExactly("sse-history-lost", "message", "message", "message");
      JsonObject lost = new JsonObject(events.get(0).data());
      assertThat(lost.getString("topic")).isEqualTo(topic);
      assertThat(lost.getString("oldestId")).isEqualTo(ids.get(0));
      assertThat(lost.containsKey("lastEventId")).isTrue();
      assertThat(events.subList(1, 4)).extracting(SseEvent::data).containsExactly("k1", "k2", "k3");
    }
  }

  @Test
  @DisplayName("an id whose numbers overflow is garbage too: sse-history-lost, never a silent replay from an id it does not mean")
  void overflowingIdIsGarbage() {
    String topic = topic();
    publish(a, topic, "o1");
    publish(a, topic, "o2");
    // 2^64 + 1: an unchecked parser wraps it to 1-0, a real-looking position before every event.
    try (RawSseStream resumed = RawSseStream.open(a.port(), "/events?topic=" + topic,
        Map.of("Last-Event-ID", "18446744073709551617-0"))) {
      resumed.awaitCount(2, WAIT);
      pause();
      assertThat(resumed.events()).extracting(SseEvent::event).first().isEqualTo("sse-history-lost");
    }
  }

  @Test
  @DisplayName("a client that saw a topic's close event and reconnects gets 204, which stops EventSource, on any node")
  void closedTopicGives204() {
    String topic = topic();
    try (SseClient client = SseClient.connect(clientVertx, a.port(), "/events?topic=" + topic)) {
      awaitLive(client);
      publish(a, topic, "working");
      String closeId = publishJson(b, new JsonObject().put("topic", topic).put("event", "done").put("data", "100%")
          .put("close", true));
      client.awaitEvents(e -> e.size() >= 2, WAIT);
      long end = System.currentTimeMillis() + WAIT.toMillis();
      while (!client.stopped() && System.currentTimeMillis() < end) {
        pause();
      }
      assertThat(client.stopped()).as("the reconnect was answered with a status that stops EventSource").isTrue();
      assertThat(client.statuses()).containsExactly(200, 204);
      assertThat(client.lastEventId()).isEqualTo(closeId);
      assertThat(client.events()).extracting(SseEvent::data).containsExactly("working", "100%");

      for (GatewayNode node : List.of(a, b)) {
        try (RawSseStream again = RawSseStream.open(node.port(), "/events?topic=" + topic, Map.of("Last-Event-ID", closeId))) {
          assertThat(again.status()).isEqualTo(204);
        }
      }
    }
  }

  @Test
  @DisplayName("a client that missed the close event gets the rest up to it, then its stream ends")
  void missedCloseIsReplayedThenEnds() {
    String topic = topic();
    String first = publish(a, topic, "p1");
    publish(a, topic, "p2");
    String closeId = publishJson(a, new JsonObject().put("topic", topic).put("data", "end").put("close", true));
    try (RawSseStream resumed = RawSseStream.open(b.port(), "/events?topic=" + topic, Map.of("Last-Event-ID", first))) {
      assertThat(resumed.status()).isEqualTo(200);
      resumed.awaitEnded(WAIT);
      assertThat(resumed.events()).extracting(SseEvent::data).containsExactly("p2", "end");
      assertThat(resumed.lastEventId()).isEqualTo(closeId);
    }
  }

  @Test
  @DisplayName("a far-future id never freezes a stream: sse-history-lost with the client's id, every kept event, then live")
  void farFutureIdReplaysKeptThenLive() {
    String topic = topic();
    publish(a, topic, "k1");
    publish(a, topic, "k2");
    String future = "99999999999999-0";
    try (RawSseStream resumed = RawSseStream.open(b.port(), "/events?topic=" + topic, Map.of("Last-Event-ID", future))) {
      resumed.awaitCount(3, WAIT);
      publish(a, topic, "live1");
      publish(b, topic, "live2");
      resumed.awaitCount(5, WAIT);
      pause();
      List<SseEvent> events = resumed.events();
      assertThat(events).extracting(SseEvent::data).containsExactly(events.get(0).data(), "k1", "k2", "live1", "live2");
      assertThat(events.get(0).event()).isEqualTo("sse-history-lost");
      assertThat(new JsonObject(events.get(0).data()).getString("lastEventId")).isEqualTo(future);
    }
  }

  @Test
  @DisplayName("sse-history-lost echoes the id the client sent, even when it is garbage")
  void garbageIdIsEchoed() {
    String topic = topic();
    publish(a, topic, "g1");
    try (RawSseStream resumed = RawSseStream.open(a.port(), "/events?topic=" + topic + "&lastEventId=garbage")) {
      resumed.awaitCount(2, WAIT);
      SseEvent lost = resumed.events().get(0);
      assertThat(lost.event()).isEqualTo("sse-history-lost");
      assertThat(new JsonObject(lost.data()).getString("lastEventId")).isEqualTo("garbage");
    }
  }

  @Test
  @DisplayName("a new subscriber of a closed topic gets 204 at once; a new publish reopens the topic")
  void newSubscriberOfClosedTopicGets204() {
    String topic = topic();
    publishJson(a, new JsonObject().put("topic", topic).put("data", "bye").put("close", true));
    try (RawSseStream late = RawSseStream.open(b.port(), "/events?topic=" + topic)) {
      assertThat(late.status()).isEqualTo(204);
    }
    publish(a, topic, "again");
    try (RawSseStream reopened = RawSseStream.open(b.port(), "/events?topic=" + topic)) {
      assertThat(reopened.status()).isEqualTo(200);
      publish(a, topic, "live");
      reopened.awaitCount(1, WAIT);
      assertThat(reopened.events()).extracting(SseEvent::data).containsExactly("live");
    }
  }

  // --- helpers -------------------------------------------------------------------------------

  private static String topic() {
    return "resume-" + UUID.randomUUID();
  }

  private static String publish(GatewayNode node, String topic, String data) {
    return publishJson(node, new JsonObject().put("topic", topic).put("data", data));
  }

  private static String publishJson(GatewayNode node, JsonObject body) {
    HttpResponse<String> resp = Http.publish(node.port(), body.encode());
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return new JsonObject(resp.body()).getString("id");
  }

  private static void awaitLive(SseClient client) {
    long end = System.currentTimeMillis() + WAIT.toMillis();
    while (client.lastEventId().isEmpty()) {
      assertThat(System.currentTimeMillis()).as("the stream went live").isLessThan(end);
      pause();
    }
  }

  /** Long enough for a duplicate or an extra event to arrive if the gateway sent one. */
  private static void pause() {
    try {
      Thread.sleep(150);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

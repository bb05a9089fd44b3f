package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import com.launchdarkly.eventsource.MessageEvent;
import com.launchdarkly.eventsource.StreamEvent;
import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.OkHttpEventSourceClient;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What a spec-following client sees, checked twice: with LaunchDarkly's okhttp-eventsource (an
 * independent client) and with the raw bytes on the socket read by the WHATWG parser of the test
 * fixtures. Both must agree with each other and with what was published.
 */
@DisplayName("Event stream framing, as an independent client sees it")
class FramingWithIndependentClientTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final long RETRY_MS = 2345;
  private static Gateways gateways;
  private static GatewayNode node;

  private OkHttpEventSourceClient client;
  private RawSseStream raw;
  private String topic;

  @BeforeAll
  static void startNode() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_HEARTBEAT_MS", "200", "SSE_RETRY_MS", Long.toString(RETRY_MS)));
  }

  @AfterAll
  static void stopNode() {
    gateways.close();
  }

  @AfterEach
  void closeStreams() {
    if (client != null) {
      client.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  @Test
  @DisplayName("data with LF line breaks, blank lines and a trailing LF arrives exactly as published")
  void lineFeedsArriveExactly() {
    String data = "line 1\nline 2\n\nline 4\n";
    assertThat(roundTrip(new JsonObject().put("data", data))).extracting(MessageEvent::getData).containsExactly(data);
    assertThat(raw.text()).contains("data: line 1\ndata: line 2\ndata: \ndata: line 4\ndata: \n\n");
  }

  @Test
  @DisplayName("data with CRLF arrives with LF, because a WHATWG client joins data lines with LF")
  void crlfArrivesAsLf() {
    assertThat(roundTrip(new JsonObject().put("data", "a\r\nb\r\n\r\nc")))
        .extracting(MessageEvent::getData).containsExactly("a\nb\n\nc");
  }

  @Test
  @DisplayName("data with lone CRs arrives with LF, because a WHATWG client ends a line at a lone CR too")
  void loneCrArrivesAsLf() {
    assertThat(roundTrip(new JsonObject().put("data", "a\rb\r\rc\r")))
        .extracting(MessageEvent::getData).containsExactly("a\nb\n\nc\n");
    assertThat(raw.bytes()).as("the gateway never writes a CR: it splits the data into data: lines").doesNotContain((byte) '\r');
  }

  @Test
  @DisplayName("empty data arrives as one message with empty data")
  void emptyDataArrives() {
    assertThat(roundTrip(new JsonObject().put("data", ""))).extracting(MessageEvent::getData).containsExactly("");
  }

  @Test
  @DisplayName("Chinese text and emoji arrive intact, also when they straddle network chunks")
  void unicodeArrivesIntact() {
    String chinese = "你好，世界！服务器推送事件";
    String emoji = "emoji 😀 👍🏽 👨‍👩‍👧 🇨🇭 ✅";
    String long1 = "长".repeat(7000) + "😀".repeat(3000); // 33 kB of multi-byte text: many chunks
    List<MessageEvent> got = roundTrip(
        new JsonObject().put("data", chinese),
        new JsonObject().put("data", emoji),
        new JsonObject().put("data", long1));
    assertThat(got).extracting(MessageEvent::getData).containsExactly(chinese, emoji, long1);
    String rawText = new String(raw.bytes(), StandardCharsets.UTF_8);
    assertThat(rawText).contains("data: " + chinese + "\n").contains("data: " + emoji + "\n");
  }

  @Test
  @DisplayName("a JSON value in data arrives as its compact JSON text, numbers exactly as written")
  void jsonDataArrivesAsJsonText() {
    topic = newTopic();
    openStreams();
    List<String> bodies = List.of(
        "{\"topic\":\"" + topic + "\",\"data\": { \"a\" : 1, \"b\" : [true, null, 1.10, 12345678901234567890], \"s\" : \"x\\ny\" } }",
        "{\"topic\":\"" + topic + "\",\"data\":[1, \"two\", {\"k\": null}]}",
        "{\"topic\":\"" + topic + "\",\"data\":42}",
        "{\"topic\":\"" + topic + "\",\"data\":true}",
        "{\"topic\":\"" + topic + "\",\"data\":\"{\\\"already\\\":\\\"text\\\"}\"}");
    List<String> ids = new ArrayList<>();
    for (String body : bodies) {
      ids.add(publishOk(body));
    }
    List<MessageEvent> got = awaitBoth(ids);
    assertThat(got).extracting(MessageEvent::getData).containsExactly(
        "{\"a\":1,\"b\":[true,null,1.10,12345678901234567890],\"s\":\"x\\ny\"}",
        "[1,\"two\",{\"k\":null}]",
        "42",
        "true",
        "{\"already\":\"text\"}");
    assertThat(new JsonObject(got.get(0).getData()).getString("s")).isEqualTo("x\ny");
  }

  @Test
  @DisplayName("custom event names arrive as the event type; no name means \"message\"")
  void customEventNames() {
    List<MessageEvent> got = roundTrip(
        new JsonObject().put("event", "order.created").put("data", "1"),
        new JsonObject().put("event", "进度").put("data", "2"),
        new JsonObject().put("event", "with space:and/colon").put("data", "3"),
        new JsonObject().put("data", "4"));
    assertThat(got).extracting(MessageEvent::getEventName)
        .containsExactly("order.created", "进度", "with space:and/colon", "message");
  }

  @Test
  @DisplayName("the stream opens with retry: SSE_RETRY_MS, and an event's retry reaches the client before the event")
  void retryField() {
    topic = newTopic();
    openStreams();
    assertThat(client.retry()).isEqualTo(RETRY_MS);
    assertThat(raw.retry()).isEqualTo(RETRY_MS);
    String id = publishOk(new JsonObject().put("topic", topic).put("data", "slow down").put("retry", 5000).encode());
    awaitBoth(List.of(id));
    int message = indexOfMessage(client.all(), "slow down");
    assertThat(client.retryAt(message - 1)).as("before the event").isEqualTo(RETRY_MS);
    assertThat(client.retryAt(message)).as("with the event").isEqualTo(5000);
    assertThat(raw.retry()).isEqualTo(5000L);
  }

  @Test
  @DisplayName("comments reach the client: the opening comment, then heartbeats while idle (SSE_HEARTBEAT_MS=200)")
  void commentsAndHeartbeats() {
    topic = newTopic();
    openStreams();
    assertThat(client.comments()).first().isEqualTo("ok");
    int before = client.comments().size();
    client.await(c -> c.comments().size() >= before + 3, Duration.ofSeconds(3));
    raw.awaitText(t -> t.split(":\n\n", -1).length > 4, Duration.ofSeconds(3));
    assertThat(client.messages()).extracting(MessageEvent::getEventName).containsOnly("probe");
  }

  @Test
  @DisplayName("every event has an id: the id POST /publish returned, increasing")
  void everyEventHasItsPublishId() {
    topic = newTopic();
    openStreams();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ids.add(publishOk(new JsonObject().put("topic", topic).put("data", "n" + i).encode()));
    }
    List<MessageEvent> got = awaitBoth(ids);
    assertThat(got).extracting(MessageEvent::getLastEventId).containsExactlyElementsOf(ids);
    for (int i = 1; i < ids.size(); i++) {
      assertThat(EventId.parse(ids.get(i)).isAfter(EventId.parse(ids.get(i - 1)))).isTrue();
    }
  }

  @Test
  @DisplayName("data containing a blank line and field lines cannot inject a second event")
  void dataCannotInjectAnEvent() {
    String hostile = "x\n\nevent: x\ndata: injected";
    String hostileCr = "y\r\rid: 1-0\rretry: 1\revent: x\rdata: injected\r\r";
    List<MessageEvent> got = roundTrip(new JsonObject().put("data", hostile), new JsonObject().put("data", hostileCr));
    assertThat(got).hasSize(2);
    assertThat(got.get(0).getEventName()).isEqualTo("message");
    assertThat(got.get(0).getData()).isEqualTo(hostile);
    assertThat(got.get(1).getEventName()).isEqualTo("message");
    assertThat(got.get(1).getData()).isEqualTo("y\n\nid: 1-0\nretry: 1\nevent: x\ndata: injected\n\n");
    assertThat(client.retry()).as("no retry: line was injected").isEqualTo(RETRY_MS);
    assertThat(raw.retry()).isEqualTo(RETRY_MS);
    assertThat(client.messages()).extracting(MessageEvent::getEventName).doesNotContain("x");
  }

  // --- helpers -------------------------------------------------------------------------------

  private static String newTopic() {
    return "framing-" + UUID.randomUUID();
  }

  /** Opens both clients on a fresh topic, publishes each body to it, and returns what okhttp-eventsource got. */
  private List<MessageEvent> roundTrip(JsonObject... bodies) {
    topic = newTopic();
    openStreams();
    List<String> ids = new ArrayList<>();
    for (JsonObject body : bodies) {
      ids.add(publishOk(body.copy().put("topic", topic).encode()));
    }
    return awaitBoth(ids);
  }

  /**
   * Opens the raw stream and okhttp-eventsource on {@link #topic} and waits until both are live:
   * a new subscriber starts at the head, so an event published before that would not be its to see.
   */
  private void openStreams() {
    raw = RawSseStream.open(node.port(), "/events?topic=" + topic);
    raw.awaitLive(WAIT);
    client = OkHttpEventSourceClient.connect(node.port(), "/events?topic=" + topic);
    long end = System.nanoTime() + WAIT.toNanos();
    while (client.messages().stream().noneMatch(m -> m.getEventName().equals("probe"))) {
      assertThat(System.nanoTime()).as("okhttp-eventsource did not go live; fault " + client.fault()).isLessThan(end);
      publishOk(new JsonObject().put("topic", topic).put("event", "probe").put("data", "probe").encode());
      sleep(100);
    }
  }

  private static String publishOk(String body) {
    HttpResponse<String> resp = Http.publish(node.port(), body);
    assertThat(resp.statusCode()).as(resp.body()).isEqualTo(200);
    return new JsonObject(resp.body()).getString("id");
  }

  /**
   * Waits for the events with these ids on both clients; checks that each carries its id and that
   * the raw bytes parse to the same events; returns the okhttp-eventsource messages.
   */
  private List<MessageEvent> awaitBoth(List<String> ids) {
    client.awaitMessages(ids.size(), WAIT);
    raw.awaitEvents(e -> withoutProbes(e).size() >= ids.size(), WAIT);
    sleep(100); // a duplicate or an injected event would show up now
    List<MessageEvent> got = client.messagesExceptProbes();
    assertThat(got).extracting(MessageEvent::getLastEventId).as("every event has its id").containsExactlyElementsOf(ids);
    List<SseEvent> fromRaw = withoutProbes(raw.events());
    assertThat(fromRaw).as("the raw bytes, parsed independently, say the same")
        .containsExactlyElementsOf(got.stream()
            .map(m -> new SseEvent(m.getLastEventId(), m.getEventName(), m.getData())).toList());
    return got;
  }

  private static List<SseEvent> withoutProbes(List<SseEvent> events) {
    return events.stream().filter(e -> !e.event().equals("probe")).toList();
  }

  private static int indexOfMessage(List<StreamEvent> all, String data) {
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i) instanceof MessageEvent m && m.getData().equals(data)) {
        return i;
      }
    }
    throw new AssertionError("no message with data " + data + " in " + all);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

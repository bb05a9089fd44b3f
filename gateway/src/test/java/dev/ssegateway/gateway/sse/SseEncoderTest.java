package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The encoder's bytes, read back with the independent WHATWG parser of the test fixtures. */
@DisplayName("SseEncoder")
class SseEncoderTest {

  @Test
  @DisplayName("writes id, event, retry and one data line per line of data, then a blank line")
  void writesEveryField() {
    EncodedEvent e = SseEncoder.encode("5-1", "order.created", "a\nb", 2500, false);
    assertThat(text(e.withId())).isEqualTo("id: 5-1\nevent: order.created\nretry: 2500\ndata: a\ndata: b\n\n");
    assertThat(text(e.body())).isEqualTo("event: order.created\nretry: 2500\ndata: a\ndata: b\n\n");
    assertThat(e.id()).isEqualTo(new EventId(5, 1));
    assertThat(e.close()).isFalse();
  }

  @Test
  @DisplayName("splits data at LF, CRLF and lone CR alike, and never writes a CR")
  void splitsAtEveryLineBreak() {
    assertThat(text(SseEncoder.encode("1-0", null, "a\r\nb\rc\nd", null, false).withId()))
        .isEqualTo("id: 1-0\ndata: a\ndata: b\ndata: c\ndata: d\n\n");
    assertThat(text(SseEncoder.encode("1-0", null, "\r\n\r\n", null, false).withId()))
        .isEqualTo("id: 1-0\ndata: \ndata: \ndata: \n\n");
    assertThat(text(SseEncoder.encode("1-0", null, "\n\r", null, false).withId()))
        .as("LF then CR is two line breaks, not one CRLF")
        .isEqualTo("id: 1-0\ndata: \ndata: \ndata: \n\n");
  }

  @Test
  @DisplayName("leaves out the event line for the default event and for an empty name, and the retry line without retry")
  void leavesOutOptionalFields() {
    assertThat(text(SseEncoder.encode("1-0", null, "x", null, false).withId())).isEqualTo("id: 1-0\ndata: x\n\n");
    assertThat(text(SseEncoder.encode("1-0", "", "x", null, false).withId())).isEqualTo("id: 1-0\ndata: x\n\n");
  }

  @Test
  @DisplayName("sends empty data as one empty data line, which a client dispatches as an empty message")
  void encodesEmptyData() {
    String bytes = text(SseEncoder.encode("1-0", null, "", null, false).withId());
    assertThat(bytes).isEqualTo("id: 1-0\ndata: \n\n");
    assertThat(new SseParser().feed(bytes)).containsExactly(new SseEvent("1-0", "message", ""));
  }

  @Test
  @DisplayName("a raw message without an id is written without an id line, the same buffer with or without id")
  void rawMessageHasNoId() {
    EncodedEvent e = SseEncoder.encode(null, null, "raw", null, false);
    assertThat(e.id()).isNull();
    assertThat(e.withId()).isSameAs(e.body());
    assertThat(text(e.body())).isEqualTo("data: raw\n\n");
  }

  @Test
  @DisplayName("keeps the close flag and writes UTF-8")
  void keepsCloseAndUtf8() {
    EncodedEvent e = SseEncoder.encode("1-0", "进度", "完成 ✅ 😀", null, true);
    assertThat(e.close()).isTrue();
    assertThat(e.withId().getBytes()).isEqualTo("id: 1-0\nevent: 进度\ndata: 完成 ✅ 😀\n\n".getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @DisplayName("a replay from history (single) carries the same fields as a live event")
  @ValueSource(strings = {"plain", "two\nlines", "cr\rlf\r\n", "", "\n", "emoji 😀"})
  void singleMatchesLiveEncoding(String data) {
    assertThat(text(SseEncoder.single("9-9", "e", data, 100)))
        .isEqualTo(text(SseEncoder.encode("9-9", "e", data, 100, false).withId()));
  }

  @Test
  @DisplayName("control events carry their JSON data and no id, so they never move the client's position")
  void controlEventsHaveNoId() {
    String bytes = text(SseEncoder.control("sse-history-lost", "{\"topic\":\"t\"}"));
    assertThat(bytes).isEqualTo("event: sse-history-lost\ndata: {\"topic\":\"t\"}\n\n");
    SseParser parser = new SseParser();
    assertThat(parser.feed(bytes)).containsExactly(new SseEvent("", "sse-history-lost", "{\"topic\":\"t\"}"));
  }

  @Test
  @DisplayName("the preamble is a retry hint and a comment; the heartbeat is a comment; idOnly sets the id without an event")
  void preambleHeartbeatAndIdOnly() {
    SseParser parser = new SseParser();
    assertThat(parser.feed(text(SseEncoder.preamble(3000)))).isEmpty();
    assertThat(parser.retry()).isEqualTo(3000L);
    assertThat(parser.feed(text(SseEncoder.HEARTBEAT))).isEmpty();
    assertThat(parser.comments()).hasSize(2);
    assertThat(parser.feed(text(SseEncoder.idOnly("1-0,2-0")))).isEmpty();
    assertThat(parser.lastEventId()).isEqualTo("1-0,2-0");
    assertThat(SseEncoder.chunkOnHeap("id: 7-7\n").toString(java.nio.charset.StandardCharsets.UTF_8))
        .as("one connection's id line, framed as an HTTP/1.1 chunk")
        .isEqualTo("8\r\nid: 7-7\n\r\n");
  }

  @Test
  @DisplayName("data that looks like fields stays data: it cannot inject an event, an id or a retry")
  void dataCannotInjectFields() {
    String hostile = "x\n\nevent: injected\nid: 666-0\nretry: 1\ndata: injected\n\n";
    SseParser parser = new SseParser();
    List<SseEvent> events = parser.feed(text(SseEncoder.encode("1-0", null, hostile, null, false).withId()));
    assertThat(events).containsExactly(new SseEvent("1-0", "message", hostile));
    assertThat(parser.retry()).isNull();
  }

  @Test
  @DisplayName("any mix of text, LF, CR and CRLF reaches a WHATWG client as the same text with LF line breaks")
  void randomDataRoundTrips() {
    Random random = new Random(42);
    String[] pieces = {"a", "b", " ", ":", "data: ", "\n", "\r", "\r\n", "é", "你", "😀", "\u0000", "id: 1"};
    for (int round = 0; round < 2000; round++) {
      StringBuilder sb = new StringBuilder();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        sb.append(pieces[random.nextInt(pieces.length)]);
      }
      String data = sb.toString();
      String expected = data.replace("\r\n", "\n").replace('\r', '\n');
      String bytes = text(SseEncoder.encode("1-" + round, "e", data, null, false).withId());
      // Fed in two arbitrary pieces, as a network would deliver them.
      int cut = random.nextInt(bytes.length() + 1);
      SseParser parser = new SseParser();
      List<SseEvent> events = new java.util.ArrayList<>(parser.feed(bytes.substring(0, cut)));
      events.addAll(parser.feed(bytes.substring(cut)));
      assertThat(events).as("data %s", escape(data)).containsExactly(new SseEvent("1-" + round, "e", expected));
      assertThat(bytes).doesNotContain("\r");
    }
  }

  private static String text(Buffer buffer) {
    return buffer.toString(StandardCharsets.UTF_8);
  }

  private static String escape(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n");
  }
}

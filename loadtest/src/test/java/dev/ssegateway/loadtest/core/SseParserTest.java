package dev.ssegateway.loadtest.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SseParserTest {

  private final List<long[]> events = new ArrayList<>();
  private final SseParser parser = new SseParser((seq, t, lost) -> events.add(new long[] {seq, t, lost ? 1 : 0}));

  private void feed(String s) {
    parser.feed(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  @DisplayName("the gateway's stream (retry, comment, id-only block, events) yields the events and the last id")
  void gatewayStream() {
    feed("retry: 3000\n:ok\n\nid: 0-0\n\nid: 17-0\ndata: s=1;t=99;xxx\n\n:\n\nid: 18-0\ndata: s=2;t=100;x\n\n");
    assertThat(events).hasSize(2);
    assertThat(events.get(0)).containsExactly(1, 99, 0);
    assertThat(events.get(1)).containsExactly(2, 100, 0);
    assertThat(parser.lastEventId()).isEqualTo("18-0");
    assertThat(parser.retryMs()).isEqualTo(3000);
  }

  @Test
  @DisplayName("events split at any byte, with CRLF or CR line ends, parse the same")
  void splitAnywhere() {
    String stream = "id: 5-0\r\ndata: s=7;t=123;xx\r\n\r\nevent: sse-history-lost\rdata: {\"topic\":\"a\"}\r\r";
    byte[] b = stream.getBytes(StandardCharsets.UTF_8);
    for (int cut = 0; cut <= b.length; cut++) {
      events.clear();
      parser.reset();
      parser.feed(b, 0, cut);
      parser.feed(b, cut, b.length - cut);
      assertThat(events).as("cut at %d", cut).hasSize(2);
      assertThat(events.get(0)).containsExactly(7, 123, 0);
      assertThat(events.get(1)[0]).isEqualTo(-1);
      assertThat(events.get(1)[2]).isEqualTo(1);
    }
    assertThat(parser.lastEventId()).isEqualTo("5-0");
  }
}

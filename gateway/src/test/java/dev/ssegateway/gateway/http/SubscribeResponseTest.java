package dev.ssegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.RawSseStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("GET /events answers as an event stream at once")
class SubscribeResponseTest {
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void startNode() {
    gateways = new Gateways();
    // Heartbeats far apart, so that any comment seen here is the opening one.
    node = gateways.startOne(Map.of("SSE_RETRY_MS", "4321", "SSE_HEARTBEAT_MS", "3600000"));
  }

  @AfterAll
  static void stopNode() {
    gateways.close();
  }

  @Test
  @DisplayName("200 with Content-Type text/event-stream; charset=utf-8, Cache-Control no-cache, X-Accel-Buffering no")
  void eventStreamHeaders() {
    try (RawSseStream stream = RawSseStream.open(node.port(), "/events?topic=" + topic())) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
      assertThat(stream.header("Cache-Control")).isEqualTo("no-cache");
      assertThat(stream.header("X-Accel-Buffering")).isEqualTo("no");
      assertThat(stream.header("Content-Length")).as("a stream has no length").isNull();
    }
  }

  @Test
  @DisplayName("the first bytes, a retry: line and a comment, arrive before anything is published")
  void firstBytesArriveAtOnce() {
    long start = System.nanoTime();
    try (RawSseStream stream = RawSseStream.open(node.port(), "/events?topic=" + topic())) {
      stream.awaitText(t -> t.contains("\n\n"), Duration.ofSeconds(2));
      long ms = (System.nanoTime() - start) / 1_000_000;
      String text = stream.text();
      assertThat(text).startsWith("retry: 4321\n");
      assertThat(text.lines()).anyMatch(l -> l.startsWith(":"));
      assertThat(stream.retry()).isEqualTo(4321L);
      assertThat(stream.comments()).isNotEmpty();
      assertThat(stream.events()).isEmpty();
      System.out.println("first bytes after " + ms + " ms");
    }
  }

  @Test
  @DisplayName("the first bytes arrive at once for a multi-topic stream and for a stream that resumes from 0-0")
  void firstBytesForMultiTopicAndResume() {
    String a = topic();
    String b = topic();
    try (RawSseStream multi = RawSseStream.open(node.port(), "/events?topic=" + a + "&topic=" + b);
        RawSseStream resumed = RawSseStream.open(node.port(), "/events?topic=" + a, Map.of("Last-Event-ID", "0-0"))) {
      multi.awaitText(t -> t.startsWith("retry: 4321\n") && t.contains("\n\n"), Duration.ofSeconds(2));
      resumed.awaitText(t -> t.startsWith("retry: 4321\n") && t.contains("\n\n"), Duration.ofSeconds(2));
      assertThat(resumed.header("Content-Type")).isEqualTo("text/event-stream; charset=utf-8");
    }
  }

  private static String topic() {
    return "headers-" + UUID.randomUUID();
  }
}

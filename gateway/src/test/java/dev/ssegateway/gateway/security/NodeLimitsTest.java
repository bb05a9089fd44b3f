package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Limits of one node: topics, topic names, event size, request line and headers, connections, publish rate")
class NodeLimitsTest {
  private static final String SECRET = "limits-test-secret-abcdefghijklmnopqrstuvwxyz";
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_MAX_CONNECTIONS", "3",
        "SSE_MAX_TOPICS", "4",
        "SSE_MAX_DATA_BYTES", "1024",
        "SSE_PUBLISH_RATE", "5",
        "SSE_MAX_REQUEST_LINE", "1024",
        "SSE_MAX_HEADER_BYTES", "2048",
        // Tokens on, every topic public: the rate test publishes with its own identity.
        "SSE_JWT_SECRET", SECRET,
        "SSE_PUBLIC_TOPICS", "*"));
    port = node.port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static RawHttp.Response get(String target) {
    try (RawHttp http = RawHttp.get(port, target, Map.of())) {
      if (http.isEventStream()) {
        return new RawHttp.Response(200, http.headers(), "");
      }
      return http.response();
    }
  }

  private static void assertStreams(String target) {
    RawHttp.Response r = get(target);
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  private static void assertRefused(RawHttp.Response r, int status, String code) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.isJson()).as(r.toString()).isTrue();
    assertThat(r.error()).isEqualTo(code);
  }

  private static void assertRefused(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
  }

  @Test
  @DisplayName("topics per connection: 4 distinct topics (duplicates count once) stream, 5 get 400 too_many_topics")
  void topicsPerConnection() {
    double before = Scrape.refused(port, "too_many_topics");
    assertStreams("/events?topic=a&topic=b&topic=c&topic=d&topic=a");
    assertRefused(get("/events?topic=a&topic=b&topic=c&topic=d&topic=e"), 400, "too_many_topics");
    assertThat(Scrape.refused(port, "too_many_topics")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("topic name rules, on subscribe and on publish: 400 invalid_topic or missing_topic, counted")
  void topicNames() {
    double before = Scrape.refused(port, "invalid_topic");
    List<String> bad = List.of("a%20b", "a*b", "%7Bx%7D", "a,b", "%C3%A9t%C3%A9", "x".repeat(129), "a%00b", "a%0Ab");
    for (String t : bad) {
      assertRefused(get("/events?topic=" + t), 400, "invalid_topic");
    }
    assertRefused(get("/events"), 400, "missing_topic");
    assertRefused(get("/events?topic="), 400, "missing_topic");
    assertStreams("/events?topic=" + "x".repeat(128));
    assertStreams("/events?topic=tenant-7/chat/room.1:a@b=c%2Bd~e");
    assertRefused(Http.publish(port, new JsonObject().put("topic", "a b").put("data", "x").encode()), 400, "invalid_topic");
    assertThat(Scrape.refused(port, "invalid_topic")).isGreaterThanOrEqualTo(before + bad.size() + 1);
  }

  @Test
  @DisplayName("event size: 1024 bytes of UTF-8 pass, 1025 get 413 event_too_large (also a body past the body limit), counted")
  void eventSize() {
    double before = Scrape.refused(port, "event_too_large");
    // An identity of its own: the rate (SSE_PUBLISH_RATE=5) is taken from the headers, before the
    // body is read, so refused bodies count against it too.
    String sizes = Tokens.hs256(SECRET, Tokens.claims("sizes", 300, List.of(), List.of("*")));
    assertThat(Http.publish(port, new JsonObject().put("topic", "big").put("data", "x".repeat(1024)).encode(), sizes).statusCode())
        .isEqualTo(200);
    assertRefused(Http.publish(port, new JsonObject().put("topic", "big").put("data", "x".repeat(1025)).encode(), sizes),
        413, "event_too_large");
    // 342 euro signs: 342 characters, 1026 bytes.
    assertRefused(Http.publish(port, new JsonObject().put("topic", "big").put("data", "\u20ac".repeat(342)).encode(), sizes),
        413, "event_too_large");
    // Far past what the body handler reads at all.
    assertRefused(Http.publish(port, "{\"topic\":\"big\",\"data\":\"" + "y".repeat(200_000) + "\"}", sizes), 413, "event_too_large");
    assertThat(Scrape.refused(port, "event_too_large")).isEqualTo(before + 3);
  }

  @Test
  @DisplayName("a request line over SSE_MAX_REQUEST_LINE gets 414, headers over SSE_MAX_HEADER_BYTES get 431, both JSON and counted")
  void requestLineAndHeaders() {
    double lines = Scrape.refused(port, "request_line_too_long");
    double heads = Scrape.refused(port, "headers_too_large");
    RawHttp.Response longLine = RawHttp.exchange(port,
        RawHttp.request("GET", "/events?topic=" + "x".repeat(2000), Map.of(), null));
    assertRefused(longLine, 414, "request_line_too_long");
    RawHttp.Response bigHeaders = RawHttp.exchange(port,
        RawHttp.request("GET", "/events?topic=a", Map.of("X-Padding", "p".repeat(3000)), null));
    assertRefused(bigHeaders, 431, "headers_too_large");
    assertThat(Scrape.refused(port, "request_line_too_long")).isEqualTo(lines + 1);
    assertThat(Scrape.refused(port, "headers_too_large")).isEqualTo(heads + 1);
    // Just under both limits is fine.
    assertStreams("/events?topic=" + "x".repeat(128));
  }

  @Test
  @DisplayName("SSE_MAX_CONNECTIONS=3: the 4th stream gets 503 with Retry-After and JSON; closing one frees its place")
  void nodeConnectionLimit() {
    Scrape.awaitConnections(port, n -> n == 0, Duration.ofSeconds(5));
    double before = Scrape.refused(port, "node_connections");
    List<RawHttp> open = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp s = RawHttp.get(port, "/events?topic=held", Map.of());
        open.add(s);
        assertThat(s.status()).isEqualTo(200);
        assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
      }
      RawHttp.Response fourth = get("/events?topic=held");
      assertRefused(fourth, 503, "too_many_connections");
      assertThat(fourth.headers().get("retry-after")).matches("[1-9][0-9]*");
      assertThat(Scrape.refused(port, "node_connections")).isEqualTo(before + 1);

      open.remove(0).close();
      Scrape.awaitConnections(port, n -> n == 2, Duration.ofSeconds(5));
      try (RawHttp again = RawHttp.get(port, "/events?topic=held", Map.of())) {
        assertThat(again.status()).isEqualTo(200);
      }
    } finally {
      open.forEach(RawHttp::close);
    }
  }

  @Test
  @DisplayName("SSE_PUBLISH_RATE=5: a burst beyond it gets 429 with Retry-After and JSON, per publisher identity")
  void publishRate() {
    double before = Scrape.refused(port, "publish_rate");
    String token = Tokens.hs256(SECRET, Tokens.claims("burst", 300, List.of(), List.of("*")));
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> limited = null;
    for (int i = 0; i < 12; i++) {
      HttpResponse<String> r = Http.publish(port, new JsonObject().put("topic", "rate").put("data", "e" + i).encode(), token);
      statuses.add(r.statusCode());
      if (r.statusCode() == 429 && limited == null) {
        limited = r;
      }
    }
    assertThat(statuses.subList(0, 5)).as("the burst allowance").containsOnly(200);
    assertThat(limited).as("statuses %s", statuses).isNotNull();
    assertRefused(limited, 429, "publish_rate_exceeded");
    assertThat(limited.headers().firstValue("Retry-After").orElse("")).matches("[1-9][0-9]*");
    assertThat(Scrape.refused(port, "publish_rate")).isGreaterThanOrEqualTo(before + 1);
    // Another identity (the publish key) has its own allowance.
    assertThat(Http.publish(port, new JsonObject().put("topic", "rate").put("data", "k").encode()).statusCode())
        .isEqualTo(200);
  }
}

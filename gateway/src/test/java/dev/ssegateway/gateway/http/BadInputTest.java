package dev.ssegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every bad request gets a 4xx and a JSON body {"error": code, "message": ...} that says what was wrong. */
@DisplayName("Bad input is refused with a 4xx and a JSON error")
class BadInputTest {
  private static final int MAX_DATA_BYTES = 64;
  private static final int MAX_TOPICS = 3;
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void startNode() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_MAX_DATA_BYTES", Integer.toString(MAX_DATA_BYTES),
        "SSE_MAX_TOPICS", Integer.toString(MAX_TOPICS)));
  }

  @AfterAll
  static void stopNode() {
    gateways.close();
  }

  static Stream<Arguments> badPublishBodies() {
    String t129 = "t".repeat(129);
    return Stream.of(
        Arguments.of("invalid JSON", "{\"topic\": \"a\", ", 400, "invalid_json"),
        Arguments.of("an empty body", "", 400, "invalid_json"),
        Arguments.of("a top-level array", "[\"a\"]", 400, "invalid_json"),
        Arguments.of("a top-level string", "\"text\"", 400, "invalid_json"),
        Arguments.of("a duplicate key", "{\"topic\":\"a\",\"topic\":\"b\",\"data\":\"x\"}", 400, "invalid_json"),
        Arguments.of("a missing topic", "{\"data\":\"x\"}", 400, "missing_topic"),
        Arguments.of("an empty topic", "{\"topic\":\"\",\"data\":\"x\"}", 400, "missing_topic"),
        Arguments.of("a topic with a space", "{\"topic\":\"a b\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a topic with *", "{\"topic\":\"orders*\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a topic with a hash tag", "{\"topic\":\"{a}\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a topic with a comma", "{\"topic\":\"a,b\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a non-ASCII topic", "{\"topic\":\"bestellungen-ü\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a topic of 129 characters", "{\"topic\":\"" + t129 + "\",\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("a topic that is a number", "{\"topic\":7,\"data\":\"x\"}", 400, "invalid_topic"),
        Arguments.of("missing data", "{\"topic\":\"a\"}", 400, "missing_data"),
        Arguments.of("data over SSE_MAX_DATA_BYTES", "{\"topic\":\"a\",\"data\":\"" + "x".repeat(MAX_DATA_BYTES + 1) + "\"}",
            413, "event_too_large"),
        Arguments.of("data over the limit in UTF-8 bytes, not characters (22 x 3 bytes)",
            "{\"topic\":\"a\",\"data\":\"" + "你".repeat(22) + "\"}", 413, "event_too_large"),
        Arguments.of("a body far over the limit", "{\"topic\":\"a\",\"data\":\"" + "x".repeat(20_000) + "\"}",
            413, "event_too_large"),
        Arguments.of("an event name with LF", "{\"topic\":\"a\",\"event\":\"a\\nid: 1\",\"data\":\"x\"}", 400, "invalid_event"),
        Arguments.of("an event name with CR", "{\"topic\":\"a\",\"event\":\"a\\rb\",\"data\":\"x\"}", 400, "invalid_event"),
        Arguments.of("an event name with CRLF", "{\"topic\":\"a\",\"event\":\"a\\r\\nb\",\"data\":\"x\"}", 400, "invalid_event"),
        Arguments.of("an event name with NUL", "{\"topic\":\"a\",\"event\":\"a\\u0000b\",\"data\":\"x\"}", 400, "invalid_event"),
        Arguments.of("an empty event name", "{\"topic\":\"a\",\"event\":\"\",\"data\":\"x\"}", 400, "invalid_event"),
        Arguments.of("a reserved sse- event name", "{\"topic\":\"a\",\"event\":\"sse-history-lost\",\"data\":\"x\"}",
            400, "reserved_event"),
        Arguments.of("an unknown field", "{\"topic\":\"a\",\"data\":\"x\",\"topics\":[\"b\"]}", 400, "unknown_field"),
        Arguments.of("a negative retry", "{\"topic\":\"a\",\"data\":\"x\",\"retry\":-1}", 400, "invalid_retry"),
        Arguments.of("a fractional retry", "{\"topic\":\"a\",\"data\":\"x\",\"retry\":1.5}", 400, "invalid_retry"),
        Arguments.of("a retry given as a string", "{\"topic\":\"a\",\"data\":\"x\",\"retry\":\"5000\"}", 400, "invalid_retry"),
        Arguments.of("a retry over one day", "{\"topic\":\"a\",\"data\":\"x\",\"retry\":86400001}", 400, "invalid_retry"),
        Arguments.of("a huge retry", "{\"topic\":\"a\",\"data\":\"x\",\"retry\":99999999999999999999999}", 400, "invalid_retry"),
        Arguments.of("close that is not a boolean", "{\"topic\":\"a\",\"data\":\"x\",\"close\":\"yes\"}", 400, "invalid_close"));
  }

  @ParameterizedTest(name = "{0} -> {2} {3}")
  @DisplayName("POST /publish refuses")
  @MethodSource("badPublishBodies")
  void publishRefuses(String what, String body, int status, String code) {
    assertError(Http.publish(node.port(), body), status, code);
  }

  @Test
  @DisplayName("the limits themselves are accepted: a 128-character topic and data of exactly SSE_MAX_DATA_BYTES")
  void limitsAreInclusive() {
    assertThat(Http.publish(node.port(), new JsonObject().put("topic", "t".repeat(128)).put("data", "x").encode())
        .statusCode()).isEqualTo(200);
    assertThat(Http.publish(node.port(), new JsonObject().put("topic", "a").put("data", "x".repeat(MAX_DATA_BYTES)).encode())
        .statusCode()).isEqualTo(200);
    assertThat(Http.publish(node.port(), new JsonObject().put("topic", "a").put("data", "你".repeat(21)).encode())
        .statusCode()).as("63 bytes").isEqualTo(200);
    assertThat(Http.publish(node.port(),
        new JsonObject().put("topic", "A-z_0.9:/@=+~").put("data", "x").put("retry", 0).put("close", false).encode())
        .statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("POST /publish without Authorization is 401 missing_credentials, with WWW-Authenticate: Bearer")
  void missingKeyIs401() {
    HttpResponse<String> resp = Http.publish(node.port(), "{\"topic\":\"a\",\"data\":\"x\"}", null);
    assertError(resp, 401, "missing_credentials");
    assertThat(resp.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  @DisplayName("POST /publish with a wrong Bearer key is 403 invalid_credentials")
  void wrongKeyIs403() {
    assertError(Http.publish(node.port(), "{\"topic\":\"a\",\"data\":\"x\"}", "not-the-key"), 403, "invalid_credentials");
    assertError(Http.publish(node.port(), "{\"topic\":\"a\",\"data\":\"x\"}", Gateways.PUBLISH_KEY + "x"), 403,
        "invalid_credentials");
  }

  @Test
  @DisplayName("POST /publish with the key under another scheme than Bearer is refused with 401 or 403 and a JSON error")
  void otherSchemeIsRefused() {
    HttpResponse<String> basic = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/publish"))
        .header("Authorization", "Basic " + Gateways.PUBLISH_KEY)
        .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"a\",\"data\":\"x\"}")));
    assertThat(basic.statusCode()).as(basic.body()).isIn(401, 403);
    assertThat(new JsonObject(basic.body()).getString("error")).isNotBlank();
  }

  @Test
  @DisplayName("the key is checked before the body: a bad body with a wrong key is 403, not 400")
  void keyBeforeBody() {
    assertError(Http.publish(node.port(), "not json", "wrong"), 403, "invalid_credentials");
  }

  static Stream<Arguments> badSubscriptions() {
    return Stream.of(
        Arguments.of("no topic", "/events", 400, "missing_topic"),
        Arguments.of("an empty topic", "/events?topic=", 400, "missing_topic"),
        Arguments.of("a topic with a space", "/events?topic=a%20b", 400, "invalid_topic"),
        Arguments.of("one bad topic among good ones", "/events?topic=ok&topic=bad*", 400, "invalid_topic"),
        Arguments.of("a topic with a hash tag", "/events?topic=%7Ba%7D", 400, "invalid_topic"),
        Arguments.of("a topic of 129 characters", "/events?topic=" + "t".repeat(129), 400, "invalid_topic"),
        Arguments.of("more than SSE_MAX_TOPICS topics", "/events?topic=a&topic=b&topic=c&topic=d", 400, "too_many_topics"),
        Arguments.of("an unknown path", "/nope", 404, "not_found"),
        Arguments.of("an unknown path below /events", "/events/extra?topic=a", 404, "not_found"));
  }

  @ParameterizedTest(name = "{0} -> {2} {3}")
  @DisplayName("GET refuses")
  @MethodSource("badSubscriptions")
  void subscribeRefuses(String what, String path, int status, String code) {
    assertError(Http.get(node.port(), path), status, code);
  }

  @Test
  @DisplayName("a Last-Event-ID header or lastEventId parameter over 4096 characters is 400 invalid_last_event_id")
  void overlongLastEventId() {
    String overlong = "1-0,".repeat(1030); // 4120 characters, within HTTP's 8 KB header limit
    HttpResponse<String> header = Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/events?topic=a"))
        .header("Last-Event-ID", overlong));
    assertError(header, 400, "invalid_last_event_id");
    assertError(Http.get(node.port(), "/events?topic=a&lastEventId=" + overlong), 400, "invalid_last_event_id");
  }

  @Test
  @DisplayName("the wrong method on a known path is 405 method_not_allowed")
  void wrongMethod() {
    assertError(Http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/events?topic=a"))
        .POST(HttpRequest.BodyPublishers.ofString("x"))), 405, "method_not_allowed");
    assertError(Http.get(node.port(), "/publish"), 405, "method_not_allowed");
  }

  @Test
  @DisplayName("a repeated topic counts once toward SSE_MAX_TOPICS")
  void duplicateTopicsCountOnce() {
    try (RawSseStream stream = RawSseStream.open(node.port(), "/events?topic=a&topic=b&topic=a&topic=c&topic=c")) {
      assertThat(stream.status()).isEqualTo(200);
      stream.awaitLive(Duration.ofSeconds(10));
      assertThat(stream.lastEventId().split(",", -1)).as("one position per distinct topic").hasSize(MAX_TOPICS);
    }
  }

  private static void assertError(HttpResponse<String> resp, int status, String code) {
    assertThat(resp.statusCode()).as("status; body %s", resp.body()).isEqualTo(status);
    assertThat(resp.headers().firstValue("Content-Type")).hasValueSatisfying(
        ct -> assertThat(ct).startsWith("application/json"));
    JsonObject body = new JsonObject(resp.body());
    assertThat(body.getString("error")).as("error code in %s", resp.body()).isEqualTo(code);
    assertThat(body.getString("message")).as("a message for people").isNotBlank();
  }
}

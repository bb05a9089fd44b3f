package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("Publishing with the publish key or a token with publish grants; secrets stay out of logs")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PublishAuthTest {
  private static final String SECRET = "publish-test-hs256-secret-9f8e7d6c5b4a";
  private static final String KEY = "publish-key-5a4b3c2d1e0f-never-logged";
  private static final List<String> TOKENS_USED = new ArrayList<>();
  private static LogCapture logs;
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;

  @BeforeAll
  static void start() {
    logs = new LogCapture(); // from before the node starts: startup logs count too
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_JWT_SECRET", SECRET, "SSE_PUBLISH_KEY", KEY, "SSE_PUBLIC_TOPICS", "orders/*"));
    port = node.port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
    logs.close();
  }

  private static String token(long expiresIn, List<String> subscribe, List<String> publish) {
    String t = Tokens.hs256(SECRET, Tokens.claims("svc-billing", expiresIn, subscribe, publish));
    TOKENS_USED.add(t);
    return t;
  }

  private static HttpResponse<String> publish(String authorization, String topic, String data) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("topic", topic).put("data", data).encode()));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return Http.send(b);
  }

  private static void assertJsonError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
  }

  @Test
  @Order(1)
  @DisplayName("the publish key publishes; a missing or wrong key is refused with JSON")
  void publishKey() {
    assertThat(publish("Bearer " + KEY, "orders/1", "x").statusCode()).isEqualTo(200);
    assertJsonError(publish(null, "orders/1", "x"), 401, "missing_credentials");
    assertJsonError(publish("Bearer " + KEY + "x", "orders/1", "x"), 401, "invalid_token");
  }

  @Test
  @Order(2)
  @DisplayName("a token with a publish grant for the topic publishes (200, delivered); other topics and subscribe-only tokens get 403")
  void tokenWithPublishGrants() {
    String publisher = token(300, List.of(), List.of("orders/*"));
    try (RawHttp stream = RawHttp.get(port, "/events?topic=orders/7", Map.of())) {
      assertThat(stream.awaitLive(Duration.ofSeconds(5))).isTrue();
      var ok = publish("Bearer " + publisher, "orders/7", "paid");
      assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
      assertThat(stream.readEvents(e -> !e.isEmpty(), Duration.ofSeconds(5)))
          .extracting(SseEvent::data).containsExactly("paid");
    }
    assertJsonError(publish("Bearer " + publisher, "payments", "x"), 403, "forbidden_topic");
    assertJsonError(publish("Bearer " + token(300, List.of("*"), List.of()), "orders/7", "x"), 403, "forbidden_topic");
    assertJsonError(publish("Bearer " + token(-60, List.of(), List.of("orders/*")), "orders/7", "x"), 401, "invalid_token");
    assertJsonError(publish("Bearer " + Tokens.unsigned(Tokens.claims("x", 300, List.of(), List.of("*"))), "orders/7", "x"),
        401, "invalid_token");
  }

  @Test
  @Order(3)
  @DisplayName("odd Authorization headers get a JSON 4xx, never a 5xx")
  void oddAuthorizationHeaders() {
    for (String auth : List.of("abc", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Token " + KEY, "Bearer  " + KEY + " ",
        "bearer " + KEY)) {
      HttpResponse<String> r = publish(auth, "orders/1", "x");
      assertThat(r.statusCode()).as("Authorization: '%s' -> %s", auth, r.body()).isBetween(200, 499);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    }
  }

  @Test
  @Order(100)
  @DisplayName("the JWT secret, the publish key and tokens never appear in logs, nor in error bodies")
  void secretsNeverLogged() {
    // More traffic that could tempt a log line: bad tokens in all three places, bad keys.
    String t = token(300, List.of("orders"), List.of("orders"));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cookie", "sse_token=" + t + "x");
    List<String> bodies = new ArrayList<>();
    bodies.add(RawHttp.exchange(port, RawHttp.request("GET", "/events?topic=private&access_token=" + t + "y", Map.of(), null)).body());
    bodies.add(RawHttp.exchange(port, RawHttp.request("GET", "/events?topic=private", headers, null)).body());
    bodies.add(publish("Bearer " + SECRET, "orders", "x").body());
    bodies.add(publish("Bearer " + KEY.substring(1), "orders", "x").body());
    bodies.add(publish("Bearer " + t, "orders", "x").body());

    List<String> secrets = new ArrayList<>(List.of(SECRET, KEY));
    for (String tok : TOKENS_USED) {
      secrets.add(tok.substring(tok.lastIndexOf('.') + 1)); // the signature part identifies a token
    }
    List<String> lines = logs.lines();
    assertThat(lines).as("the gateway's own log lines are captured").anyMatch(l -> l.contains("Disconnected"));
    for (String secret : secrets) {
      assertThat(lines).noneMatch(l -> l.contains(secret));
      assertThat(bodies).noneMatch(b -> b.contains(secret));
    }
  }
}

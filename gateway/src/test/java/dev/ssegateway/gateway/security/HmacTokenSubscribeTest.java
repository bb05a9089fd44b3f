package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Subscribing with HS256 tokens: grants, public topics, token sources, time claims, expiry")
class HmacTokenSubscribeTest {
  private static final String SECRET = "hs256-test-secret-0123456789-abcdefghij";
  private static final String ISSUER = "https://issuer.example";
  private static final String AUDIENCE = "sse-gateway";
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_JWT_ISSUER", ISSUER,
        "SSE_JWT_AUDIENCE", AUDIENCE,
        "SSE_PUBLIC_TOPICS", "public/*,news"));
    port = node.port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static JsonObject claims(String sub, long expiresIn, String... subscribe) {
    return Tokens.claims(sub, expiresIn, List.of(subscribe), List.of()).put("iss", ISSUER).put("aud", AUDIENCE);
  }

  private static String token(String... subscribe) {
    return Tokens.hs256(SECRET, claims("alice", 300, subscribe));
  }

  private static RawHttp.Response refusedSubscribe(String target, Map<String, String> headers) {
    try (RawHttp http = RawHttp.get(port, target, headers)) {
      assertThat(http.isEventStream()).as("%s must be refused", target).isFalse();
      return http.response();
    }
  }

  private static RawHttp.Response withBearer(String target, String token) {
    return refusedSubscribe(target, Map.of("Authorization", "Bearer " + token));
  }

  /** Opens a stream, checks it is live, publishes one event and checks it arrives exactly. */
  private static void assertStreams(String topic, Map<String, String> headers) {
    try (RawHttp stream = RawHttp.get(port, "/events?topic=" + topic, headers)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.awaitLive(Duration.ofSeconds(5))).isTrue();
      String data = "for " + topic + " " + System.nanoTime();
      var published = Http.publish(port, new JsonObject().put("topic", topic).put("data", data).encode());
      assertThat(published.statusCode()).isEqualTo(200);
      List<SseEvent> got = stream.readEvents(e -> !e.isEmpty(), Duration.ofSeconds(5));
      assertThat(got).extracting(SseEvent::data).containsExactly(data);
    }
  }

  @Test
  @DisplayName("a token granting the topic opens the stream, and events arrive")
  void grantedTopicStreams() {
    assertStreams("orders", Map.of("Authorization", "Bearer " + token("orders")));
  }

  @Test
  @DisplayName("without a token: 401 missing_token with a JSON body and WWW-Authenticate, counted in metrics")
  void missingTokenIs401() {
    double before = Scrape.refused(port, "missing_token");
    RawHttp.Response r = refusedSubscribe("/events?topic=orders", Map.of());
    assertThat(r.status()).isEqualTo(401);
    assertThat(r.isJson()).as(r.toString()).isTrue();
    assertThat(r.error()).isEqualTo("missing_token");
    assertThat(r.headers().get("www-authenticate")).isEqualTo("Bearer");
    assertThat(Scrape.refused(port, "missing_token")).isEqualTo(before + 1);
  }

  @Test
  @DisplayName("a valid token without the grant: 403 forbidden_topic, also when only one of several topics is not granted")
  void ungrantedTopicIs403() {
    double before = Scrape.refused(port, "forbidden_topic");
    RawHttp.Response r = withBearer("/events?topic=payments", token("orders"));
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.isJson()).isTrue();
    assertThat(r.error()).isEqualTo("forbidden_topic");
    RawHttp.Response mixed = withBearer("/events?topic=orders&topic=payments", token("orders"));
    assertThat(mixed.status()).isEqualTo(403);
    assertThat(mixed.error()).isEqualTo("forbidden_topic");
    assertThat(Scrape.refused(port, "forbidden_topic")).isEqualTo(before + 2);
  }

  @Test
  @DisplayName("wildcard grants: orders/* covers orders/42 and orders/eu/7, not orders or ordersX")
  void wildcardGrants() {
    String t = token("orders/*");
    assertStreams("orders/42", Map.of("Authorization", "Bearer " + t));
    assertStreams("orders/eu/7", Map.of("Authorization", "Bearer " + t));
    assertThat(withBearer("/events?topic=orders", t).status()).isEqualTo(403);
    assertThat(withBearer("/events?topic=ordersX", t).status()).isEqualTo(403);
    assertThat(withBearer("/events?topic=orders.42", t).status()).isEqualTo(403);
  }

  @Test
  @DisplayName("a pathological wildcard grant is matched in bounded time (no backtracking regex on the event loop)")
  void pathologicalGrant() {
    String grant = "*a".repeat(12) + "*b";
    String t = token(grant);
    long start = System.nanoTime();
    assertThat(withBearer("/events?topic=" + "a".repeat(128), t).status()).isEqualTo(403);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertStreams("a".repeat(100) + "b", Map.of("Authorization", "Bearer " + t));
  }

  @Test
  @DisplayName("public topics need no token; a public and a private topic together still need one")
  void publicTopics() {
    assertStreams("news", Map.of());
    assertStreams("public/weather", Map.of());
    // A stale cookie must not lock a browser out of public topics.
    String expired = Tokens.hs256(SECRET, claims("alice", -60, "orders"));
    assertStreams("news", Map.of("Cookie", "sse_token=" + expired));
    assertStreams("news", Map.of("Authorization", "Bearer garbage"));
    RawHttp.Response mixed = refusedSubscribe("/events?topic=news&topic=orders", Map.of());
    assertThat(mixed.status()).isEqualTo(401);
    assertThat(mixed.error()).isEqualTo("missing_token");
  }

  @Test
  @DisplayName("the token is taken from the Bearer header, the sse_token cookie or the access_token query parameter")
  void tokenSources() {
    String t = token("orders/*");
    assertStreams("orders/a", Map.of("Authorization", "Bearer " + t));
    assertStreams("orders/b", Map.of("Cookie", "theme=dark; sse_token=" + t + "; other=1"));
    try (RawHttp stream = RawHttp.get(port, "/events?topic=orders/c&access_token=" + t, Map.of())) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.awaitLive(Duration.ofSeconds(5))).isTrue();
    }
    // A cookie of another name is not a token.
    assertThat(refusedSubscribe("/events?topic=orders/d", Map.of("Cookie", "session=" + t)).status()).isEqualTo(401);
  }

  @Test
  @DisplayName("expired and not-yet-valid tokens: 401 invalid_token")
  void timeClaims() {
    double before = Scrape.refused(port, "invalid_token");
    RawHttp.Response expired = withBearer("/events?topic=orders", Tokens.hs256(SECRET, claims("alice", -60, "orders")));
    assertThat(expired.status()).isEqualTo(401);
    assertThat(expired.isJson()).isTrue();
    assertThat(expired.error()).isEqualTo("invalid_token");
    RawHttp.Response early = withBearer("/events?topic=orders",
        Tokens.hs256(SECRET, claims("alice", 300, "orders").put("nbf", Tokens.now() + 60)));
    assertThat(early.status()).isEqualTo(401);
    assertThat(early.error()).isEqualTo("invalid_token");
    assertThat(Scrape.refused(port, "invalid_token")).isEqualTo(before + 2);
  }

  @Test
  @DisplayName("a wrong signature, a tampered payload, alg none and garbage: 401 invalid_token")
  void forgedTokens() {
    JsonObject c = claims("mallory", 300, "*");
    String other = Tokens.hs256("some-other-secret-of-decent-length-000", c);
    String good = token("orders");
    String[] parts = good.split("\\.");
    String tamperedPayload = java.util.Base64.getUrlEncoder().withoutPadding()
        .encodeToString(c.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    String tampered = parts[0] + "." + tamperedPayload + "." + parts[2];
    for (String forged : List.of(other, tampered, Tokens.unsigned(c), "not.a.jwt", "abc", good + "x")) {
      RawHttp.Response r = withBearer("/events?topic=orders", forged);
      assertThat(r.status()).as(forged).isEqualTo(401);
      assertThat(r.error()).as(forged).isEqualTo("invalid_token");
    }
  }

  @Test
  @DisplayName("iss and aud are enforced when configured: wrong or missing ones are refused")
  void issuerAndAudience() {
    JsonObject wrongIss = claims("alice", 300, "orders").put("iss", "https://evil.example");
    JsonObject wrongAud = claims("alice", 300, "orders").put("aud", "another-service");
    JsonObject noIss = claims("alice", 300, "orders");
    noIss.remove("iss");
    JsonObject noAud = claims("alice", 300, "orders");
    noAud.remove("aud");
    for (JsonObject c : List.of(wrongIss, wrongAud, noIss, noAud)) {
      RawHttp.Response r = withBearer("/events?topic=orders", Tokens.hs256(SECRET, c));
      assertThat(r.status()).as(c.encode()).isEqualTo(401);
      assertThat(r.error()).isEqualTo("invalid_token");
    }
    JsonObject audList = claims("alice", 300, "orders").put("aud", new io.vertx.core.json.JsonArray().add("x").add(AUDIENCE));
    assertStreams("orders", Map.of("Authorization", "Bearer " + Tokens.hs256(SECRET, audList)));
  }

  @Test
  @DisplayName("a stream opened with a token that expires gets sse-token-expired, then ends")
  void streamEndsWhenTokenExpires() {
    String t = Tokens.hs256(SECRET, claims("alice", 2, "orders"));
    long start = System.nanoTime();
    try (RawHttp stream = RawHttp.get(port, "/events?topic=orders", Map.of("Authorization", "Bearer " + t))) {
      assertThat(stream.status()).isEqualTo(200);
      List<SseEvent> got = stream.readEvents(
          e -> e.stream().anyMatch(x -> x.event().equals("sse-token-expired")), Duration.ofSeconds(8));
      assertThat(got).extracting(SseEvent::event).containsExactly("sse-token-expired");
      assertThat(new JsonObject(got.get(0).data()).getString("reason")).isEqualTo("token_expired");
      assertThat(stream.awaitEnd(Duration.ofSeconds(3))).as("the stream ends after the expiry event").isTrue();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
  }
}

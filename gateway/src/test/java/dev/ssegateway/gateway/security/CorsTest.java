package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("CORS: only SSE_CORS_ORIGINS get Access-Control-Allow-Origin with credentials; preflight for POST /publish")
class CorsTest {
  private static final String APP = "https://app.example";
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_CORS_ORIGINS", APP + ", http://localhost:3000"));
    port = node.port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static Map<String, String> headers(String... pairs) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put(pairs[i], pairs[i + 1]);
    }
    return m;
  }

  /** Status and headers of a GET /events (the stream is closed at once). */
  private static RawHttp.Response subscribe(String origin) {
    try (RawHttp s = RawHttp.get(port, "/events?topic=cors", headers("Origin", origin))) {
      return s.isEventStream() ? new RawHttp.Response(200, s.headers(), "") : s.response();
    }
  }

  private static RawHttp.Response publish(String origin) {
    return RawHttp.exchange(port, RawHttp.request("POST", "/publish", headers(
        "Origin", origin,
        "Authorization", "Bearer " + Gateways.PUBLISH_KEY,
        "Content-Type", "application/json"), "{\"topic\":\"cors\",\"data\":\"x\"}"));
  }

  private static RawHttp.Response preflight(String origin) {
    return RawHttp.exchange(port, RawHttp.request("OPTIONS", "/publish", headers(
        "Origin", origin,
        "Access-Control-Request-Method", "POST",
        "Access-Control-Request-Headers", "authorization,content-type"), null));
  }

  private static List<String> tokens(String headerValue) {
    return Arrays.stream(headerValue == null ? new String[0] : headerValue.split(","))
        .map(s -> s.trim().toLowerCase(Locale.ROOT)).toList();
  }

  @Test
  @DisplayName("an allowed origin gets its own origin and credentials on GET /events and POST /publish")
  void allowedOrigin() {
    RawHttp.Response events = subscribe(APP);
    assertThat(events.status()).isEqualTo(200);
    assertThat(events.headers().get("access-control-allow-origin")).isEqualTo(APP);
    assertThat(events.headers().get("access-control-allow-credentials")).isEqualTo("true");
    assertThat(tokens(events.headers().get("vary"))).as("caches must key on Origin").contains("origin");

    RawHttp.Response published = publish("http://localhost:3000");
    assertThat(published.status()).as(published.toString()).isEqualTo(200);
    assertThat(published.headers().get("access-control-allow-origin")).isEqualTo("http://localhost:3000");
    assertThat(published.headers().get("access-control-allow-credentials")).isEqualTo("true");
  }

  @Test
  @DisplayName("a preflight for POST /publish with authorization and content-type is answered with what the browser needs")
  void preflightForPublish() {
    RawHttp.Response r = preflight(APP);
    assertThat(r.status()).as(r.toString()).isBetween(200, 204);
    assertThat(r.headers().get("access-control-allow-origin")).isEqualTo(APP);
    assertThat(r.headers().get("access-control-allow-credentials")).isEqualTo("true");
    assertThat(tokens(r.headers().get("access-control-allow-methods"))).contains("post");
    assertThat(tokens(r.headers().get("access-control-allow-headers"))).contains("authorization", "content-type");
  }

  @Test
  @DisplayName("origins not listed, look-alikes and null get no Access-Control-Allow-Origin; a refusal is JSON")
  void otherOrigins() {
    for (String origin : List.of("https://evil.example", "https://app.example.evil.com", "http://app.example",
        "null", "https://APP.example.", "*")) {
      for (RawHttp.Response r : List.of(subscribe(origin), publish(origin), preflight(origin))) {
        assertThat(r.headers()).as("%s: %s", origin, r).doesNotContainKey("access-control-allow-origin");
        assertThat(r.headers()).as("%s: %s", origin, r).doesNotContainKey("access-control-allow-credentials");
        if (r.status() >= 400) {
          assertThat(r.status()).isLessThan(500);
          assertThat(r.isJson()).as(r.toString()).isTrue();
        }
      }
    }
  }

  @Test
  @DisplayName("the gateway's own page (same origin, not listed) can still publish: browsers send Origin on every POST")
  void sameOriginPublish() {
    String self = "http://127.0.0.1:" + port;
    RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", "/publish", headers(
        "Host", "127.0.0.1:" + port,
        "Origin", self,
        "Authorization", "Bearer " + Gateways.PUBLISH_KEY,
        "Content-Type", "application/json"), "{\"topic\":\"cors\",\"data\":\"x\"}"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
  }

  @Test
  @DisplayName("requests without Origin (servers, curl) are not affected")
  void noOrigin() {
    RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", "/publish", headers(
        "Authorization", "Bearer " + Gateways.PUBLISH_KEY,
        "Content-Type", "application/json"), "{\"topic\":\"cors\",\"data\":\"x\"}"));
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.headers()).doesNotContainKey("access-control-allow-origin");
  }
}

package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GET /history is authorized exactly like subscribing: same token sources, grants and public topics. */
@DisplayName("GET /history is authorized like subscribing")
class HistoryAccessTest {
  private static final String SECRET = "history-test-secret-0123456789-abcdefghij";
  private static Gateways gateways;
  private static int port;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    GatewayNode node = gateways.startOne(Map.of("SSE_JWT_SECRET", SECRET, "SSE_PUBLIC_TOPICS", "public/*"));
    port = node.port();
    for (String topic : List.of("orders/1", "public/news")) {
      assertThat(Http.publish(port, new JsonObject().put("topic", topic).put("data", "x").encode()).statusCode())
          .isEqualTo(200);
    }
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static String token(String... subscribe) {
    return Tokens.hs256(SECRET, Tokens.claims("alice", 300, List.of(subscribe), List.of()));
  }

  private static HttpResponse<String> get(String topic, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/history?topic=" + topic));
    headers.forEach(b::header);
    return Http.send(b);
  }

  private static void assertRefused(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
    assertThat(r.body()).doesNotContain("\"data\"");
  }

  @Test
  @DisplayName("a private topic without a token is 401 missing_token, with WWW-Authenticate")
  void privateTopicNeedsToken() {
    HttpResponse<String> r = get("orders/1", Map.of());
    assertRefused(r, 401, "missing_token");
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
  }

  @Test
  @DisplayName("a token without a grant for the topic is 403 forbidden_topic; a bad token 401 invalid_token")
  void tokenMustGrantTheTopic() {
    assertRefused(get("orders/1", Map.of("Authorization", "Bearer " + token("orders/2"))), 403, "forbidden_topic");
    assertRefused(get("orders/1", Map.of("Authorization", "Bearer " + token("orders/*") + "x")), 401, "invalid_token");
  }

  @Test
  @DisplayName("the publish key is not a subscribe token: it reads nothing private")
  void publishKeyIsNoReadGrant() {
    assertRefused(get("orders/1", Map.of("Authorization", "Bearer " + Gateways.PUBLISH_KEY)), 401, "invalid_token");
  }

  @Test
  @DisplayName("a granting token in the header, the cookie or access_token reads the topic")
  void grantingTokenReads() {
    String t = token("orders/*");
    assertThat(get("orders/1", Map.of("Authorization", "Bearer " + t)).statusCode()).isEqualTo(200);
    assertThat(get("orders/1", Map.of("Cookie", "sse_token=" + t)).statusCode()).isEqualTo(200);
    HttpResponse<String> r = get("orders/1&access_token=" + t, Map.of());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonArray("events")).hasSize(1);
  }

  @Test
  @DisplayName("a public topic needs no token")
  void publicTopicIsOpen() {
    HttpResponse<String> r = get("public/news", Map.of());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new JsonObject(r.body()).getJsonArray("events")).hasSize(1);
  }
}

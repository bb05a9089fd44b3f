package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** GET /history asks the application's backend (auth hook) exactly as subscribing does. */
@DisplayName("GET /history with the auth hook: the backend's grants decide, and it fails closed")
class HistoryAuthHookTest {
  private static FakeAuthBackend backend;
  private static Gateways gateways;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeAuthBackend();
    gateways = new Gateways();
    GatewayNode node = gateways.startOne(Map.of("SSE_AUTH_HOOK_URL", backend.url(), "SSE_AUTH_HOOK_TIMEOUT_MS", "1000",
        "SSE_AUTH_HOOK_CACHE_SIZE", "0"));
    port = node.port();
    assertThat(Http.publish(port, new JsonObject().put("topic", "orders/7").put("data", "x").encode()).statusCode())
        .isEqualTo(200);
  }

  @AfterAll
  static void stop() {
    gateways.close();
    backend.close();
  }

  private static HttpResponse<String> history(String cookie) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/history?topic=orders/7"));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return Http.send(b);
  }

  @Test
  @DisplayName("the backend's grant reads the topic; another grant is 403; its denial is auth_hook_denied; its outage 503")
  void backendDecides() {
    backend.answer((x, seen) -> FakeAuthBackend.json(x, seen.header("cookie") == null ? 401 : 200,
        "{\"allow\":true,\"sub\":\"alice\",\"topics\":[\"orders/*\"]}"));
    HttpResponse<String> allowed = history("session=alice-1");
    assertThat(allowed.statusCode()).as(allowed.body()).isEqualTo(200);
    assertThat(new JsonObject(allowed.body()).getJsonArray("events")).hasSize(1);
    assertThat(backend.last().body().getJsonArray("topics")).containsExactly("orders/7");

    backend.answer((x, seen) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"sub\":\"bob\",\"topics\":[\"other\"]}"));
    assertThat(new JsonObject(history("session=bob-1").body()).getString("error")).isEqualTo("forbidden_topic");

    backend.answer((x, seen) -> FakeAuthBackend.json(x, 200, "{\"allow\":false}"));
    HttpResponse<String> denied = history("session=eve-1");
    assertThat(denied.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(denied.body()).getString("error")).isEqualTo("auth_hook_denied");

    backend.answer((x, seen) -> FakeAuthBackend.json(x, 500, "{}"));
    HttpResponse<String> down = history("session=alice-1");
    assertThat(down.statusCode()).isEqualTo(503);
    assertThat(new JsonObject(down.body()).getString("error")).isEqualTo("auth_backend_unavailable");
    assertThat(down.headers().firstValue("Retry-After")).isPresent();
    assertThat(down.body()).doesNotContain("\"events\"");
  }
}

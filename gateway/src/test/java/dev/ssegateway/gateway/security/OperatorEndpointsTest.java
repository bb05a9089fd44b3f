package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.testing.Gateways;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The operator endpoints (/stats lists every topic name; /metrics) are closed to anonymous
 * clients once any credential is configured; the demo page is framed by nobody and runs only its
 * own script; CORS answers say they vary by Origin and let browsers cache the preflight.
 */
@DisplayName("Operator endpoints need a credential; demo page CSP; CORS Vary and Max-Age")
class OperatorEndpointsTest {
  private static final String ADMIN = "test-admin-key";
  private static final String APP = "https://app.example";
  private static Gateways gateways;
  private static GatewayNode keyOnly;
  private static GatewayNode withAdmin;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    keyOnly = gateways.startOne(Map.of("SSE_CORS_ORIGINS", APP, "SSE_CORS_MAX_AGE_SECONDS", "1234"));
    withAdmin = gateways.startOne(Map.of("SSE_ADMIN_KEY", ADMIN, "SSE_DEMO_PAGE", "false"));
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static RawHttp.Response get(GatewayNode node, String path, String... headers) {
    Map<String, String> h = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      h.put(headers[i], headers[i + 1]);
    }
    return RawHttp.exchange(node.port(), RawHttp.request("GET", path, h, null));
  }

  @Test
  @DisplayName("anonymous GET /stats and /metrics -> 401; with the publish key (no SSE_ADMIN_KEY) -> 200, Cache-Control: no-store")
  void publishKeyOpensOperatorEndpointsWhenNoAdminKey() {
    for (String path : new String[] {"/stats", "/metrics"}) {
      RawHttp.Response anonymous = get(keyOnly, path);
      RawHttp.Response keyed = get(keyOnly, path, "Authorization", "Bearer " + Gateways.PUBLISH_KEY);
      System.out.printf("%s on a node with a publish key: anonymous %d, with the key %d%n", path, anonymous.status(), keyed.status());
      assertThat(anonymous.status()).as(anonymous.toString()).isEqualTo(401);
      assertThat(anonymous.isJson()).isTrue();
      assertThat(anonymous.body()).doesNotContain("sse_connections");
      assertThat(keyed.status()).isEqualTo(200);
      assertThat(keyed.headers().get("cache-control")).isEqualTo("no-store");
    }
  }

  @Test
  @DisplayName("with SSE_ADMIN_KEY, only that key opens /stats and /metrics: the publish key is refused")
  void adminKeyIsTheOnlyKey() {
    for (String path : new String[] {"/stats", "/metrics"}) {
      assertThat(get(withAdmin, path).status()).isEqualTo(401);
      assertThat(get(withAdmin, path, "Authorization", "Bearer " + Gateways.PUBLISH_KEY).status()).isEqualTo(401);
      assertThat(get(withAdmin, path, "Authorization", "Bearer " + ADMIN).status()).isEqualTo(200);
    }
  }

  @Test
  @DisplayName("with no credential configured at all (dev mode) the operator endpoints stay open")
  void devModeIsOpen() {
    assertThat(GatewayConfig.from(Map.of()).credentialsConfigured()).isFalse();
    assertThat(GatewayConfig.from(Map.of("SSE_PUBLISH_KEY", "k")).credentialsConfigured()).isTrue();
    assertThat(GatewayConfig.from(Map.of("SSE_JWT_SECRET", "s".repeat(32))).credentialsConfigured()).isTrue();
    assertThat(GatewayConfig.from(Map.of("SSE_ADMIN_KEY", "a")).credentialsConfigured()).isTrue();
  }

  @Test
  @DisplayName("the demo page has a CSP that allows its own script by hash, and X-Frame-Options: DENY; SSE_DEMO_PAGE=false removes it")
  void demoPageHeaders() {
    RawHttp.Response page = get(keyOnly, "/");
    String csp = page.headers().getOrDefault("content-security-policy", "");
    System.out.printf("demo page: %d, CSP: %s%n", page.status(), csp);
    assertThat(page.status()).isEqualTo(200);
    assertThat(csp).contains("script-src 'sha256-").contains("frame-ancestors 'none'").contains("connect-src 'self'")
        .doesNotContain("unsafe-eval");
    assertThat(page.headers()).containsEntry("x-frame-options", "DENY");
    assertThat(get(withAdmin, "/").status()).isEqualTo(404);
  }

  @Test
  @DisplayName("CORS: a reflected origin comes with Vary: Origin; the preflight with Access-Control-Max-Age")
  void corsVaryAndMaxAge() {
    RawHttp.Response simple = get(keyOnly, "/health/live", "Origin", APP);
    Map<String, String> pre = new LinkedHashMap<>();
    pre.put("Origin", APP);
    pre.put("Access-Control-Request-Method", "POST");
    pre.put("Access-Control-Request-Headers", "Authorization, Content-Type");
    RawHttp.Response preflight = RawHttp.exchange(keyOnly.port(), RawHttp.request("OPTIONS", "/publish", pre, null));
    System.out.printf("CORS: simple Vary=%s; preflight %d Vary=%s Max-Age=%s%n", simple.headers().get("vary"),
        preflight.status(), preflight.headers().get("vary"), preflight.headers().get("access-control-max-age"));
    assertThat(simple.headers()).containsEntry("access-control-allow-origin", APP);
    assertThat(simple.headers().getOrDefault("vary", "")).containsIgnoringCase("origin");
    assertThat(preflight.headers().getOrDefault("vary", "")).containsIgnoringCase("origin");
    assertThat(preflight.headers()).containsEntry("access-control-max-age", "1234");
  }
}

package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No 5xx from client input: a correctly signed token whose time claims have the wrong JSON type
 * is an invalid token (401), not a server error. Clients that abort mid-request are routine and
 * leave no WARN or ERROR line.
 */
@DisplayName("Malformed claims are 401 invalid_token; client aborts are not logged as errors")
class MalformedClaimsTest {
  private static final String SECRET = "malformed-claims-secret-abcdefghijklmnopqrstuvwxyz";
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of("SSE_JWT_SECRET", SECRET));
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  @Test
  @DisplayName("exp, nbf or iat as a string, null or an object: 401 invalid_token on subscribe and publish")
  void wrongClaimTypesAreInvalidTokens() {
    List<String> seen = new ArrayList<>();
    for (String claim : new String[] {"exp", "nbf", "iat"}) {
      for (Object value : new Object[] {"soon", null, new JsonObject().put("at", 1)}) {
        JsonObject claims = Tokens.claims("mallory", 600, List.of("*"), List.of("*"));
        claims.put(claim, value);
        String token = Tokens.hs256(SECRET, claims);
        RawHttp.Response sub;
        try (RawHttp s = RawHttp.get(node.port(), "/events?topic=x", Map.of("Authorization", "Bearer " + token))) {
          sub = s.isEventStream() ? new RawHttp.Response(200, s.headers(), "") : s.response();
        }
        RawHttp.Response pub = RawHttp.exchange(node.port(), RawHttp.request("POST", "/publish",
            Map.of("Authorization", "Bearer " + token, "Content-Type", "application/json"),
            "{\"topic\":\"x\",\"data\":\"d\"}"));
        seen.add(claim + "=" + value + ": subscribe " + sub.status() + " " + sub.error() + ", publish " + pub.status() + " " + pub.error());
        assertThat(sub.status()).as(claim + "=" + value + " " + sub).isEqualTo(401);
        assertThat(sub.error()).isEqualTo("invalid_token");
        assertThat(pub.status()).as(claim + "=" + value + " " + pub).isEqualTo(401);
      }
    }
    seen.forEach(line -> System.out.println("malformed claims: " + line));
  }

  @Test
  @DisplayName("30 clients that abort streams and half-sent publishes leave no WARN or ERROR line")
  void clientAbortsAreQuiet() {
    try (LogCapture logs = new LogCapture()) {
      String token = Tokens.hs256(SECRET, Tokens.claims("alice", 600, List.of("*"), List.of("*")));
      for (int i = 0; i < 15; i++) {
        RawHttp s = RawHttp.get(node.port(), "/events?topic=abort", Map.of("Authorization", "Bearer " + token));
        s.awaitLive(Duration.ofSeconds(5));
        s.close();
        RawSocket p = RawSocket.connect(node.port());
        p.send("POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + Gateways.PUBLISH_KEY
            + "\r\nContent-Length: 100\r\n\r\n{\"topic\":");
        Scrape.sleep(20);
        p.close();
      }
      Scrape.sleep(500);
      List<String> warnings = logs.warnings();
      System.out.printf("client aborts: %d WARN/ERROR lines after 30 aborts%s%n", warnings.size(),
          warnings.isEmpty() ? "" : ", first: " + warnings.get(0));
      assertThat(warnings).isEmpty();
    }
  }
}

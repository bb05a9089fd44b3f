package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

@DisplayName("SSE_MAX_CONNECTIONS_PER_USER=2 across a two-node Hazelcast cluster")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UserConnectionLimitTest {
  private static final String SECRET = "per-user-limit-secret-0123456789abcdefghij";
  private static Gateways gateways;
  private static GatewayNode a;
  private static GatewayNode b;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    List<GatewayNode> nodes = gateways.start(2, null, Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_MAX_CONNECTIONS_PER_USER", "2"));
    a = nodes.get(0);
    b = nodes.get(1);
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static Map<String, String> as(String user) {
    return Map.of("Authorization", "Bearer " + Tokens.hs256(SECRET, Tokens.claims(user, 300, List.of("*"), List.of())));
  }

  /** Opens a stream that must be accepted and live. */
  private static RawHttp stream(GatewayNode node, String user) {
    RawHttp s = RawHttp.get(node.port(), "/events?topic=feed", as(user));
    if (!s.isEventStream()) {
      RawHttp.Response r = s.response();
      s.close();
      throw new AssertionError("expected a stream for " + user + " on " + node.config().nodeId() + ", got " + r);
    }
    assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
    return s;
  }

  private static RawHttp.Response attempt(GatewayNode node, String user) {
    try (RawHttp s = RawHttp.get(node.port(), "/events?topic=feed", as(user))) {
      return s.isEventStream() ? new RawHttp.Response(200, s.headers(), "") : s.response();
    }
  }

  private static void assertUserLimited(GatewayNode node, String user) {
    RawHttp.Response r = attempt(node, user);
    assertThat(r.status()).as(r.toString()).isEqualTo(429);
    assertThat(r.isJson()).isTrue();
    assertThat(r.error()).isEqualTo("too_many_user_connections");
    assertThat(r.headers().get("retry-after")).matches("[1-9][0-9]*");
  }

  /** Retries opening a stream until the cluster has freed a slot for it. */
  private static RawHttp awaitStream(GatewayNode node, String user, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (true) {
      RawHttp s = RawHttp.get(node.port(), "/events?topic=feed", as(user));
      if (s.isEventStream()) {
        assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
        return s;
      }
      RawHttp.Response r = s.response();
      s.close();
      assertThat(r.status()).as(r.toString()).isEqualTo(429);
      if (System.nanoTime() > end) {
        throw new AssertionError(user + " got no slot on " + node.config().nodeId() + " within " + timeout);
      }
      Scrape.sleep(100);
    }
  }

  @Test
  @Order(1)
  @DisplayName("a user's 3rd connection on either node gets 429; closing one frees a slot; other users are unaffected")
  void limitHoldsAcrossNodes() {
    double refusedA = Scrape.refused(a.port(), "too_many_user_connections");
    double refusedB = Scrape.refused(b.port(), "too_many_user_connections");
    List<RawHttp> open = new ArrayList<>();
    try {
      open.add(stream(a, "carol"));
      RawHttp onB = stream(b, "carol");
      open.add(onB);
      assertUserLimited(a, "carol");
      assertUserLimited(b, "carol");
      assertThat(Scrape.refused(a.port(), "too_many_user_connections")).isEqualTo(refusedA + 1);
      assertThat(Scrape.refused(b.port(), "too_many_user_connections")).isEqualTo(refusedB + 1);
      open.add(stream(a, "dave"));

      onB.close();
      open.add(awaitStream(a, "carol", Duration.ofSeconds(5)));
      assertUserLimited(b, "carol");
    } finally {
      open.forEach(RawHttp::close);
    }
  }

  @Test
  @Order(2)
  @DisplayName("racing connections of one user on both nodes: exactly the limit get in")
  void racingConnectionsAdmitExactlyTheLimit() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(10);
    List<RawHttp> accepted = new ArrayList<>();
    try {
      List<Future<RawHttp>> tries = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        GatewayNode node = i % 2 == 0 ? a : b;
        tries.add(pool.submit(() -> RawHttp.get(node.port(), "/events?topic=feed", as("erin"))));
      }
      int refused = 0;
      for (Future<RawHttp> f : tries) {
        RawHttp s = f.get();
        if (s.isEventStream()) {
          accepted.add(s);
        } else {
          assertThat(s.response().status()).isEqualTo(429);
          s.close();
          refused++;
        }
      }
      assertThat(accepted).hasSize(2);
      assertThat(refused).isEqualTo(8);
    } finally {
      accepted.forEach(RawHttp::close);
      pool.shutdownNow();
    }
  }

  @Test
  @Order(3) // last: it crashes a node
  @DisplayName("when a node crashes, its share of a user's slots is forgotten by the survivor")
  void crashedNodesSlotsAreForgotten() {
    GatewayNode survivor = b;
    RawHttp first = stream(a, "frank");
    RawHttp second = stream(a, "frank");
    assertUserLimited(survivor, "frank");

    gateways.crash(a);
    List<RawHttp> open = new ArrayList<>();
    try {
      open.add(awaitStream(survivor, "frank", Duration.ofSeconds(10)));
      open.add(stream(survivor, "frank"));
      assertUserLimited(survivor, "frank");
    } finally {
      open.forEach(RawHttp::close);
      first.close();
      second.close();
    }
  }
}

package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Admission, attacked with bursts over real sockets: the node limit is reserved before any async
 * step (a burst cannot walk past it) and given back on every way out; one client address cannot
 * take a node; X-Forwarded-For counts only when it comes from a trusted proxy.
 */
@DisplayName("Admission: exact node limit under a burst, per-address limit, trusted proxies")
class AdmissionTest {

  private static List<String> streams(int count, boolean withStreamId, Map<String, String> headers) {
    List<String> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      // A streamId makes the node read a cursor from Hazelcast: an async step before the stream opens.
      String target = "/events?topic=burst" + (withStreamId ? "&streamId=" + UUID.randomUUID() : "");
      requests.add(SocketBurst.get(target, headers));
    }
    return requests;
  }

  private static void awaitConnections(GatewayNode node, IntPredicate expected) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!expected.test(node.metrics().connections()) && System.nanoTime() < end) {
      Scrape.sleep(25);
    }
    assertThat(expected.test(node.metrics().connections())).as("sse_connections = %d", node.metrics().connections()).isTrue();
  }

  /** Places held (open streams plus requests still being checked) back to zero. */
  private static void awaitNoPlaceHeld(GatewayNode node) {
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (node.services().admission().held() != 0 && System.nanoTime() < end) {
      Scrape.sleep(25);
    }
    assertThat(node.services().admission().held()).as("places still held").isZero();
    assertThat(node.services().admission().addresses()).as("addresses still counted").isZero();
  }

  @Test
  @DisplayName("SSE_MAX_CONNECTIONS=100, a burst of 300 opens: exactly 100 streams, 200 x 503; every way out gives the place back")
  void burstCannotPassTheNodeLimit() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_MAX_CONNECTIONS", "100", "SSE_MAX_CONNECTIONS_PER_ADDRESS", "0"));
      int port = node.port();
      long start = System.nanoTime();
      try (SocketBurst burst = SocketBurst.send("127.0.0.1", port, streams(300, true, Map.of()))) {
        System.out.printf("[admission] burst of 300 at SSE_MAX_CONNECTIONS=100: %s %s, sse_connections=%d (%d ms)%n",
            burst.statusCounts(), burst.errorCounts(), node.metrics().connections(), (System.nanoTime() - start) / 1_000_000);
        assertThat(burst.statusCounts()).containsEntry(200, 100).containsEntry(503, 200);
        assertThat(burst.errorCounts()).containsEntry("too_many_connections", 200);
        awaitConnections(node, n -> n == 100);
      }
      awaitConnections(node, n -> n == 0);

      // Ways out before a stream opens: refused input, and clients that leave while the node
      // still checks them (an async cursor read). None may keep a place.
      for (int round = 0; round < 3; round++) {
        List<String> mixed = new ArrayList<>(streams(40, true, Map.of()));
        for (int i = 0; i < 20; i++) {
          mixed.add(SocketBurst.get("/events?topic=bad%20topic", Map.of()));
          mixed.add(SocketBurst.get("/events?topic=ok&streamId=short", Map.of()));
        }
        Collections.shuffle(mixed);
        try (SocketBurst b = SocketBurst.send("127.0.0.1", port, mixed)) {
          assertThat(b.statusCounts()).containsEntry(200, 40).containsEntry(400, 40);
        }
        abortWhileChecking(port, 50);
      }
      awaitConnections(node, n -> n == 0);
      awaitNoPlaceHeld(node);
      try (SocketBurst again = SocketBurst.send("127.0.0.1", port, streams(101, false, Map.of()))) {
        System.out.printf("[admission] after 180 refused/aborted/closed requests, 101 opens: %s%n", again.statusCounts());
        assertThat(again.statusCounts()).containsEntry(200, 100).containsEntry(503, 1);
      }
    }
  }

  /** Sends stream requests with a cursor to read and closes each socket at once. */
  private static void abortWhileChecking(int port, int count) {
    try (SocketBurst aborted = new SocketBurst()) {
      for (String r : streams(count, true, Map.of())) {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
          s.setSoLinger(true, 0);
          s.getOutputStream().write(r.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  @DisplayName("SSE_MAX_CONNECTIONS_PER_ADDRESS=5: the 6th stream from one address gets 429; another address still gets in; X-Forwarded-For from an untrusted peer is ignored")
  void perAddressLimit() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_MAX_CONNECTIONS_PER_ADDRESS", "5"));
      int port = node.port();
      try (SocketBurst one = SocketBurst.send("127.0.0.1", port, streams(50, false, Map.of()));
           SocketBurst spoofed = SocketBurst.send("127.0.0.1", port,
               streams(5, false, Map.of("X-Forwarded-For", "203.0.113.9")));
           SocketBurst other = SocketBurst.send("127.0.0.2", port, streams(5, false, Map.of()))) {
        System.out.printf("[admission] 50 opens from 127.0.0.1 at SSE_MAX_CONNECTIONS_PER_ADDRESS=5: %s %s;"
                + " then 5 with a forged X-Forwarded-For: %s; 5 from 127.0.0.2: %s%n",
            one.statusCounts(), one.errorCounts(), spoofed.statusCounts(), other.statusCounts());
        assertThat(one.statusCounts()).containsEntry(200, 5).containsEntry(429, 45);
        assertThat(one.errorCounts()).containsEntry("too_many_address_connections", 45);
        assertThat(spoofed.statusCounts()).containsEntry(429, 5);
        assertThat(other.statusCounts()).containsEntry(200, 5);
      }
      awaitConnections(node, n -> n == 0);
      awaitNoPlaceHeld(node);
      try (SocketBurst again = SocketBurst.send("127.0.0.1", port, streams(5, false, Map.of()))) {
        assertThat(again.statusCounts()).as("places given back on close").containsEntry(200, 5);
      }
    }
  }

  @Test
  @DisplayName("behind a trusted proxy (SSE_TRUSTED_PROXIES) the client is the rightmost untrusted X-Forwarded-For address; prepending addresses does not help")
  void trustedProxy() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of(
          "SSE_MAX_CONNECTIONS_PER_ADDRESS", "5", "SSE_TRUSTED_PROXIES", "127.0.0.1/32, 10.0.0.0/8"));
      int port = node.port();
      try (SocketBurst a = SocketBurst.send("127.0.0.1", port,
               streams(8, false, Map.of("X-Forwarded-For", "203.0.113.5")));
           SocketBurst prepended = SocketBurst.send("127.0.0.1", port,
               streams(3, false, Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.5")));
           SocketBurst viaTwoProxies = SocketBurst.send("127.0.0.1", port,
               streams(3, false, Map.of("X-Forwarded-For", "203.0.113.5, 10.1.2.3")));
           SocketBurst b = SocketBurst.send("127.0.0.1", port,
               streams(5, false, Map.of("X-Forwarded-For", "198.51.100.1, 203.0.113.6")));
           SocketBurst proxyItself = SocketBurst.send("127.0.0.1", port, streams(6, false, Map.of()))) {
        System.out.printf("[admission] trusted proxy, limit 5: client 203.0.113.5 x8 %s, with a forged earlier hop %s,"
                + " through a second trusted hop %s; client 203.0.113.6 x5 %s; the proxy's own requests x6 %s%n",
            a.statusCounts(), prepended.statusCounts(), viaTwoProxies.statusCounts(), b.statusCounts(), proxyItself.statusCounts());
        assertThat(a.statusCounts()).containsEntry(200, 5).containsEntry(429, 3);
        assertThat(prepended.statusCounts()).containsEntry(429, 3);
        assertThat(viaTwoProxies.statusCounts()).containsEntry(429, 3);
        assertThat(b.statusCounts()).containsEntry(200, 5);
        assertThat(proxyItself.statusCounts()).containsEntry(200, 5).containsEntry(429, 1);
      }
    }
  }
}

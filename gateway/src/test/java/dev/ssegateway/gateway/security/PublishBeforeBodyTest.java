package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Identity before work on POST /publish: the key, the rate and the declared length are checked
 * from the headers, before one body byte is read; a stalled body gets 408; the bytes buffered for
 * all requests together are bounded; failed authentications from one address meet a 429.
 */
@DisplayName("POST /publish checks credentials and limits before reading the body")
class PublishBeforeBodyTest {
  private static final int LENGTH = 397_000;
  private static final Duration BOUND = Duration.ofSeconds(6);
  private static Gateways gateways;
  private static GatewayNode node;
  private static GatewayNode strict;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_BODY_TIMEOUT_MS", "1000",
        "SSE_MAX_BUFFERED_BYTES", Integer.toString(5 * LENGTH),
        "SSE_MAX_PENDING_REQUESTS", "2000",
        "SSE_AUTH_FAILURE_RATE", "0"));
    strict = gateways.startOne(Map.of("SSE_AUTH_FAILURE_RATE", "5"));
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static String head(String key, long length) {
    return "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
        + "Content-Length: " + length + "\r\n\r\n";
  }

  private static long heapAfterGc() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Scrape.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  @DisplayName("200 anonymous publishes that send 390 KB of a 397 KB body and stall: all answered 401 at once, the heap does not grow")
  void anonymousStalledBodiesAreRefusedBeforeReading() {
    long heapBefore = heapAfterGc();
    List<RawSocket> sockets = new ArrayList<>();
    byte[] body = new byte[390_000];
    Arrays.fill(body, (byte) 'x');
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 200; i++) {
        RawSocket s = RawSocket.connect(node.port());
        s.send(head(null, LENGTH));
        s.sendInBackground(body);
        sockets.add(s);
      }
      int answered401 = 0;
      for (RawSocket s : sockets) {
        long left = BOUND.toMillis() - (System.nanoTime() - start) / 1_000_000;
        s.readFor(Duration.ofMillis(Math.max(50, Math.min(left, 1500))));
        if (s.firstStatus() == 401) {
          answered401++;
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      long heapDuring = heapAfterGc();
      System.out.printf("anonymous stalled bodies: %d of 200 answered 401 within %d ms; heap after GC %d MB -> %d MB (+%d MB)%n",
          answered401, ms, heapBefore >> 20, heapDuring >> 20, (heapDuring - heapBefore) >> 20);
      assertThat(answered401).isEqualTo(200);
      assertThat(heapDuring - heapBefore).as("heap growth, bytes").isLessThan(32L << 20);
    } finally {
      sockets.forEach(RawSocket::close);
    }
  }

  @Test
  @DisplayName("a Content-Length over the limit is refused 413 before the body, and the connection closed")
  void oversizedLengthIsRefusedBeforeReading() {
    try (RawSocket s = RawSocket.connect(node.port())) {
      long start = System.nanoTime();
      s.send(head(Gateways.PUBLISH_KEY, 100_000_000));
      long ms = s.msUntilClosed(start, BOUND);
      System.out.printf("Content-Length 100 MB: answered %d and closed after %d ms, no body sent%n", s.firstStatus(), ms);
      assertThat(s.firstStatus()).isEqualTo(413);
      assertThat(s.received()).contains("event_too_large");
      assertThat(ms).isNotNegative();
    }
  }

  @Test
  @DisplayName("an authenticated publish whose body stalls gets 408 and a close after SSE_BODY_TIMEOUT_MS")
  void stalledBodyGets408() {
    try (RawSocket s = RawSocket.connect(node.port())) {
      long start = System.nanoTime();
      s.send(head(Gateways.PUBLISH_KEY, 1000) + "{\"topic\":\"stall\",");
      long ms = s.msUntilClosed(start, BOUND);
      System.out.printf("stalled body: answered %d, closed after %d ms (-1: still open after %d ms)%n",
          s.firstStatus(), ms, BOUND.toMillis());
      assertThat(s.firstStatus()).isEqualTo(408);
      assertThat(s.received()).contains("body_timeout").containsIgnoringCase("Connection: close");
      assertThat(ms).isBetween(500L, BOUND.toMillis());
    }
  }

  @Test
  @DisplayName("bodies in flight are bounded by SSE_MAX_BUFFERED_BYTES: 10 stalled 397 KB publishes, 5 admitted, 5 get 503")
  void bufferedBytesAreBounded() {
    List<RawSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 10; i++) {
        RawSocket s = RawSocket.connect(node.port());
        s.send(head(Gateways.PUBLISH_KEY, LENGTH) + "{\"topic\":\"budget\",\"data\":\"");
        sockets.add(s);
        Scrape.sleep(20);
      }
      int busy = 0;
      for (RawSocket s : sockets) {
        s.readFor(Duration.ofMillis(200));
        if (s.firstStatus() == 503) {
          busy++;
          assertThat(s.received()).contains("server_busy").contains("Retry-After");
        }
      }
      System.out.printf("buffered-bytes budget of 5 bodies: %d of 10 stalled publishes refused 503 at once%n", busy);
      assertThat(busy).isEqualTo(5);
    } finally {
      sockets.forEach(RawSocket::close);
    }
    // The stalled ones time out; their reservations come back: a normal publish goes through.
    Scrape.sleep(1500);
    assertThat(Http.publish(node.port(), "{\"topic\":\"budget\",\"data\":\"after\"}").statusCode()).isEqualTo(200);
  }

  @Test
  @DisplayName("3,000 wrong publish keys from one address: 429 with Retry-After after a burst of 20")
  void failedAuthenticationIsRateLimited() {
    int refused401 = 0;
    int limited = 0;
    String retryAfter = null;
    long start = System.nanoTime();
    for (int i = 0; i < 3000; i++) {
      var r = Http.publish(strict.port(), "{\"topic\":\"t\",\"data\":\"x\"}", "wrong-" + i);
      if (r.statusCode() == 429) {
        limited++;
        retryAfter = r.headers().firstValue("Retry-After").orElse(null);
      } else if (r.statusCode() == 403 || r.statusCode() == 401) {
        refused401++;
      }
    }
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("wrong publish keys: 3000 in %d ms, %d refused 401/403, %d refused 429 (Retry-After %s)%n",
        ms, refused401, limited, retryAfter);
    assertThat(limited).isGreaterThan(2900);
    assertThat(retryAfter).isNotNull();
  }
}

package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import java.io.File;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Attacks on time: clients that send headers one byte at a time, send nothing, sit idle between
 * requests, or hold half-sent requests by the hundred. Each phase of a request has a deadline
 * (1 s here; 30 s, 30 s and 60 s by default), while an open event stream, long-lived by design,
 * is never cut by them. Each test prints what it measured.
 */
@DisplayName("Request deadlines: slow headers, silent sockets, idle keep-alive, half-sent requests")
class RequestDeadlinesTest {
  private static final long TIMEOUT_MS = 1000;
  /** How long a test waits for a close before it calls the socket "still open". */
  private static final Duration BOUND = Duration.ofSeconds(6);
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;
  /** A node with nginx-like deadlines (the defaults) and room for 50 pending connections. */
  private static int cappedPort;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_HEADER_TIMEOUT_MS", Long.toString(TIMEOUT_MS),
        "SSE_BODY_TIMEOUT_MS", Long.toString(TIMEOUT_MS),
        "SSE_KEEPALIVE_IDLE_MS", Long.toString(TIMEOUT_MS),
        "SSE_MAX_PENDING_REQUESTS", "50"));
    port = node.port();
    cappedPort = gateways.startOne(Map.of("SSE_MAX_PENDING_REQUESTS", "50")).port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  @Test
  @DisplayName("10 clients sending one header byte every 200 ms are closed once SSE_HEADER_TIMEOUT_MS has passed")
  void slowHeadersAreClosed() {
    List<RawSocket> sockets = new ArrayList<>();
    long start = System.nanoTime();
    long[] closedAt = new long[10];
    try {
      for (int i = 0; i < 10; i++) {
        sockets.add(RawSocket.connect(port));
      }
      String drip = "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + "a".repeat(1000);
      int open = sockets.size();
      for (int b = 0; b < drip.length() && open > 0 && System.nanoTime() - start < BOUND.toNanos(); b++) {
        open = 0;
        for (int i = 0; i < sockets.size(); i++) {
          RawSocket s = sockets.get(i);
          if (closedAt[i] == 0) {
            s.send(drip.substring(b, b + 1));
            if (s.readFor(Duration.ofMillis(20))) {
              closedAt[i] = System.nanoTime();
            } else {
              open++;
            }
          }
        }
        Scrape.sleep(200 - 20L * sockets.size() > 0 ? 200 - 20L * sockets.size() : 0);
      }
      long maxMs = 0;
      int closed = 0;
      for (long t : closedAt) {
        if (t != 0) {
          closed++;
          maxMs = Math.max(maxMs, (t - start) / 1_000_000);
        }
      }
      System.out.printf("slow headers: %d of 10 closed, the last after %d ms (SSE_HEADER_TIMEOUT_MS=%d, bound %d ms)%n",
          closed, maxMs, TIMEOUT_MS, BOUND.toMillis());
      assertThat(closed).as("slow-header clients closed within %s", BOUND).isEqualTo(10);
    } finally {
      sockets.forEach(RawSocket::close);
    }
  }

  @Test
  @DisplayName("10 clients that connect and send nothing are closed once SSE_HEADER_TIMEOUT_MS has passed")
  void silentSocketsAreClosed() {
    List<RawSocket> sockets = new ArrayList<>();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < 10; i++) {
        sockets.add(RawSocket.connect(port));
      }
      long maxMs = 0;
      int closed = 0;
      for (RawSocket s : sockets) {
        long left = BOUND.toMillis() - (System.nanoTime() - start) / 1_000_000;
        long ms = s.msUntilClosed(start, Duration.ofMillis(Math.max(1, left)));
        if (ms >= 0) {
          closed++;
          maxMs = Math.max(maxMs, ms);
        }
      }
      System.out.printf("silent sockets: %d of 10 closed, the last after %d ms (bound %d ms)%n",
          closed, maxMs, BOUND.toMillis());
      assertThat(closed).isEqualTo(10);
    } finally {
      sockets.forEach(RawSocket::close);
    }
  }

  @Test
  @DisplayName("a keep-alive connection idle after its answer is closed after SSE_KEEPALIVE_IDLE_MS")
  void idleKeepAliveIsClosed() {
    try (RawSocket s = RawSocket.connect(port)) {
      s.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      s.readFor(Duration.ofMillis(300));
      assertThat(s.firstStatus()).as(s.received()).isEqualTo(200);
      long answered = System.nanoTime();
      long ms = s.msUntilClosed(answered, BOUND);
      System.out.printf("idle keep-alive: closed %d ms after its answer (-1: still open after %d ms)%n", ms, BOUND.toMillis());
      assertThat(ms).isBetween(TIMEOUT_MS / 2, BOUND.toMillis());
    }
  }

  @Test
  @DisplayName("an event stream stays open and live for 4 times every deadline")
  void eventStreamOutlivesTheDeadlines() {
    try (RawHttp stream = RawHttp.get(port, "/events?topic=deadline-stream", Map.of())) {
      assertThat(stream.awaitLive(Duration.ofSeconds(5))).isTrue();
      stream.readEvents(e -> false, Duration.ofMillis(4 * TIMEOUT_MS));
      assertThat(stream.isEnded()).as("stream cut by a deadline").isFalse();
      assertThat(Http.publish(port, "{\"topic\":\"deadline-stream\",\"data\":\"still here\"}").statusCode()).isEqualTo(200);
      var events = stream.readEvents(e -> !e.isEmpty(), Duration.ofSeconds(5));
      System.out.printf("event stream: open after %d ms of deadlines of %d ms, then received %d event(s)%n",
          4 * TIMEOUT_MS, TIMEOUT_MS, events.size());
      assertThat(events).extracting(e -> e.data()).contains("still here");
    }
  }

  @Test
  @DisplayName("300 half-sent requests: at most SSE_MAX_PENDING_REQUESTS (50) stay open and /health/live still answers")
  void halfSentRequestsAreCapped() {
    List<RawSocket> sockets = new ArrayList<>();
    long fdsBefore = openFds();
    try {
      for (int i = 0; i < 300; i++) {
        RawSocket s = RawSocket.connect(cappedPort);
        s.send(i % 2 == 0 ? "POST /publish HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: sent\r\n" : "");
        sockets.add(s);
      }
      Scrape.sleep(300);
      var live = Http.get(cappedPort, "/health/live");
      Scrape.sleep(300); // the probe's own connection closed the oldest socket: let that close land
      int open = 0;
      for (RawSocket s : sockets) {
        if (!s.readFor(Duration.ofMillis(2))) {
          open++;
        }
      }
      long fdsDuring = openFds();
      System.out.printf("half-sent and silent requests: %d of 300 still open (cap 50), %.0f closed by the cap;"
          + " /health/live %d; this JVM's fds %d -> %d%n",
          open, Scrape.refused(cappedPort, "too_many_pending"), live.statusCode(), fdsBefore, fdsDuring);
      assertThat(live.statusCode()).isEqualTo(200);
      assertThat(open).isLessThanOrEqualTo(50);
    } finally {
      sockets.forEach(RawSocket::close);
    }
  }

  /** Open file descriptors of this JVM (client and server sockets both count). */
  private static long openFds() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }
}

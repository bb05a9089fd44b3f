package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.RawSseStream;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Half-open connections")
class HalfOpenConnectionTest {

  @Test
  @DisplayName("a client whose proxy stops reading and forwarding, without closing, is released once heartbeats"
      + " fill its receive window and stay unacknowledged")
  void stalledPeerIsReleasedByHeartbeats() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_HEARTBEAT_MS", "100",
          "SSE_CLIENT_QUEUE_BYTES", "4096"));
      int port = node.port();
      long baseline = Scrape.connections(port);
      try (StallingProxy proxy = StallingProxy.to(port)) {
        RawSseStream client = RawSseStream.open(proxy.port(), "/events?topic=quiet");
        client.awaitLive(Duration.ofSeconds(10));
        client.awaitText(t -> t.contains(":\n\n:\n\n"), Duration.ofSeconds(5)); // heartbeats get through
        assertThat(Scrape.connections(port)).isEqualTo(baseline + 1);

        long slowBefore = Scrape.disconnects(port, "slow_consumer");
        long failedBefore = Scrape.disconnects(port, "write_failed");
        proxy.stall();
        client.close(); // the proxy does not pass the close on
        long releasedMs = awaitConnections(port, baseline, Duration.ofSeconds(45));
        long slow = Scrape.disconnects(port, "slow_consumer") - slowBefore;
        long failed = Scrape.disconnects(port, "write_failed") - failedBefore;
        System.out.printf("stalled peer released after %d ms (heartbeat 100 ms, queue 4096 B): slow_consumer +%d,"
            + " write_failed +%d%n", releasedMs, slow, failed);
        assertThat(slow + failed).as("released as slow_consumer or write_failed").isEqualTo(1);
        assertThat(releasedMs).as("ms until released").isLessThan(40_000);
      }
    }
  }

  @Test
  @DisplayName("a client that vanishes without FIN or reset (its network is gone) is released within the TCP user"
      + " timeout after the next heartbeat")
  void vanishedPeerIsReleasedByTheTcpUserTimeout() throws Exception {
    String unavailable = NetNamespace.unavailableReason();
    Assumptions.assumeTrue(unavailable == null, () -> "Skipped: " + unavailable);
    try (Gateways gateways = new Gateways(); NetNamespace ns = NetNamespace.create()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_HTTP_HOST", "0.0.0.0",
          "SSE_HEARTBEAT_MS", "1000"));
      int port = node.port();
      long baseline = Scrape.connections(port);
      Process curl = ns.start("curl", "-sN", "http://" + ns.hostIp() + ":" + port + "/events?topic=quiet");
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(curl.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line == null || !line.startsWith("id:"); line = out.readLine()) {
          if (line == null) {
            throw new AssertionError("curl ended before the stream went live");
          }
        }
        assertThat(Scrape.connections(port)).isEqualTo(baseline + 1);

        long failedBefore = Scrape.disconnects(port, "write_failed");
        ns.vanish();
        curl.destroyForcibly(); // its FIN or reset cannot leave any more
        curl.waitFor(10, TimeUnit.SECONDS);
        long releasedMs = awaitConnections(port, baseline, Duration.ofSeconds(20));
        System.out.printf("vanished peer released after %d ms (heartbeat 1000 ms, TCP user timeout 10000 ms)%n",
            releasedMs);
        assertThat(Scrape.disconnects(port, "write_failed") - failedBefore).as("released as write_failed").isEqualTo(1);
        assertThat(releasedMs).as("ms until released: the next heartbeat, then the user timeout").isLessThan(15_000);
      } finally {
        curl.destroyForcibly();
      }
    }
  }

  /** Waits until the node holds {@code count} connections; returns how long that took (ms). */
  private static long awaitConnections(int port, long count, Duration timeout) {
    long start = System.nanoTime();
    long end = start + timeout.toNanos();
    while (Scrape.connections(port) > count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("The connection was not released within " + timeout);
      }
      TimedSubscriber.sleepMs(50);
    }
    return (System.nanoTime() - start) / 1_000_000;
  }
}

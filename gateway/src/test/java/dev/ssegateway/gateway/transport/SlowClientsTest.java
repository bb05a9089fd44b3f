package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * 1,000 clients subscribe and stop reading while ~1 KiB events keep flowing; 20 others read.
 *
 * <p>Phase 1 (flood): 1,000 stalled clients, events at a steady {@value #FLOOD_RATE}/s; each stalled
 * client must be cut off as a slow consumer while the healthy ones get every event in order, on
 * time. Phase 2 (memory): another 1,000 stall; their queues are filled in steps of
 * {@value #FILL_STEP} events with the heap measured after a forced GC at each step, so the fullest
 * point, just before they are cut off, is measured.
 *
 * <p>The bound, from the design: every event is encoded once per node into a shared read-only
 * buffer, so a stalled client's queue ({@code SSE_CLIENT_QUEUE_BYTES}, here {@value #QUEUE_BYTES})
 * holds references to shared bytes plus Netty's bookkeeping per queued write (an outbound-buffer
 * entry, a buffer view, a chunk header), and Netty counts 96 bytes of overhead per write toward
 * the limit. The heap a full queue costs is therefore a fraction of the queue size: asserted below
 * {@value #HEAP_BOUND_PER_CLIENT} bytes per client, printed as measured. Beside it, the kernel
 * holds at most the socket send buffer, min(queue, 64 KiB), doubled by Linux for bookkeeping
 * (asserted below {@value #KERNEL_BOUND_PER_CLIENT} bytes per client, measured machine-wide so it
 * includes the test's own receive buffers). Once cut off, a client must cost nothing.
 */
@DisplayName("Slow clients")
class SlowClientsTest {
  static final int SLOW = Integer.getInteger("transport.slowClients", 1000);
  static final int HEALTHY = 20;
  static final int QUEUE_BYTES = 65_536;
  static final int HEAP_BOUND_PER_CLIENT = 64 * 1024;
  static final int KERNEL_BOUND_PER_CLIENT = 512 * 1024;
  static final int WARMUP_EVENTS = 100;
  static final int FILL_STEP = 8;
  static final int MAX_FILL_EVENTS = 600;
  static final int FLOOD_EVENTS = 1_500;
  /** Events per second in the flood: 0.2 MB/s to each client, 200,000 socket writes a second at first. */
  static final int FLOOD_RATE = 200;
  static final int TOTAL_EVENTS = WARMUP_EVENTS + FLOOD_EVENTS + MAX_FILL_EVENTS + FILL_STEP;
  static final String PADDING = "x".repeat(1000);

  @Test
  @DisplayName("1,000 clients that stop reading are each disconnected as slow consumers, within a bounded heap,"
      + " while 20 healthy clients receive every event in order and on time")
  void stalledClientsAreDisconnectedWithinBoundedMemory() throws Exception {
    ListAppender<ILoggingEvent> logLines = new ListAppender<>();
    Logger connectionsLog = (Logger) LoggerFactory.getLogger("sse.connections");
    logLines.start();
    connectionsLog.addAppender(logLines);
    Vertx clientVertx = Vertx.vertx();
    List<TimedSubscriber> healthy = new ArrayList<>();
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_CLIENT_QUEUE_BYTES", Integer.toString(QUEUE_BYTES),
          "SSE_PUBLISH_RATE", "0",
          "SSE_HISTORY_SIZE", "16",
          // Every one of the 1,020 clients comes from 127.0.0.1.
          "SSE_MAX_CONNECTIONS_PER_ADDRESS", "0"));
      int port = node.port();
      HttpClient http = clientVertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(HEALTHY));
      for (int i = 0; i < HEALTHY; i++) {
        healthy.add(TimedSubscriber.open(http, port, "/events?topic=flood", TOTAL_EVENTS));
      }
      TimedSubscriber.awaitLive(healthy, Duration.ofSeconds(30)); // generous: CI machines are shared
      int seq = 0;
      for (; seq < WARMUP_EVENTS; seq++) {
        publish(port, seq);
      }
      TimedSubscriber.awaitAll(healthy, seq, Duration.ofSeconds(10));

      // Phase 1, the flood: 1,000 clients stall while events flow at a steady rate.
      Set<Integer> stalledPorts = new HashSet<>();
      int floodStart = seq;
      long floodBegan = System.nanoTime();
      int endedA;
      try (StalledReaders slow = StalledReaders.open(port, "/events?topic=flood", SLOW, 4096)) {
        awaitConnections(port, HEALTHY + SLOW);
        stalledPorts.addAll(slow.localPorts());
        long t0 = System.nanoTime();
        for (int k = 0; k < FLOOD_EVENTS; seq++, k++) {
          long wait = t0 + k * 1_000_000_000L / FLOOD_RATE - System.nanoTime();
          if (wait > 0) {
            LockSupport.parkNanos(wait);
          }
          publish(port, seq);
        }
        TimedSubscriber.awaitAll(healthy, seq, Duration.ofSeconds(30));
        System.out.printf("flood: %d events of ~1 KiB at %d/s to %d healthy and %d stalled clients;"
            + " %d stalled clients cut off%n", FLOOD_EVENTS, FLOOD_RATE, HEALTHY, SLOW, Scrape.slowClientDisconnects(port));
        endedA = slow.readToEnd(5000);
      }
      long[] floodLatency = latencies(healthy, floodStart, seq);
      System.out.printf("healthy delivery latency during the flood: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          pct(floodLatency, 50), pct(floodLatency, 99), pct(floodLatency, 100));
      long cutOffInFlood = Scrape.slowClientDisconnects(port);

      // Phase 2, memory: another 1,000 stall; their queues are filled step by step, measuring the
      // heap after each step, so that the fullest point (just before they are cut off) is measured.
      MemorySnapshot peak = new MemorySnapshot(0, 0, 0);
      MemorySnapshot baseline;
      MemorySnapshot after;
      int fillStart = seq;
      int endedB;
      try (StalledReaders slow = StalledReaders.open(port, "/events?topic=flood", SLOW, 4096)) {
        awaitConnections(port, HEALTHY + SLOW);
        stalledPorts.addAll(slow.localPorts());
        baseline = MemorySnapshot.take();
        System.out.printf("baseline with %d stalled + %d healthy connections: heap %,d B, direct %,d B, kernel TCP %,d B%n",
            SLOW, HEALTHY, baseline.heapBytes(), baseline.directBytes(), baseline.kernelTcpBytes());
        while (Scrape.slowClientDisconnects(port) < cutOffInFlood + SLOW && seq - fillStart < MAX_FILL_EVENTS) {
          for (int k = 0; k < FILL_STEP; k++, seq++) {
            publish(port, seq);
          }
          TimedSubscriber.awaitAll(healthy, seq, Duration.ofSeconds(10));
          peak = peak.max(MemorySnapshot.take().minus(baseline));
        }
        System.out.printf("fill: %d events of ~1 KiB in steps of %d cut off %d stalled clients%n", seq - fillStart,
            FILL_STEP, Scrape.slowClientDisconnects(port) - cutOffInFlood);
        System.out.printf("peak growth over baseline: heap %,d B, direct %,d B, kernel TCP %,d B%n",
            peak.heapBytes(), peak.directBytes(), peak.kernelTcpBytes());
        System.out.printf("peak growth per stalled client: %s (queue %d B, heap bound %d B)%n",
            peak.perClient(SLOW), QUEUE_BYTES, HEAP_BOUND_PER_CLIENT);
        after = MemorySnapshot.take().minus(baseline);
        System.out.printf("growth once they are cut off: heap %,d B, direct %,d B, kernel TCP %,d B%n",
            after.heapBytes(), after.directBytes(), after.kernelTcpBytes());
        endedB = slow.readToEnd(5000);
      }
      long[] fillLatency = latencies(healthy, fillStart, seq);
      System.out.printf("healthy delivery latency while the second 1,000 fill up and are cut off: p50 %.2f ms,"
          + " p99 %.2f ms, max %.2f ms%n", pct(fillLatency, 50), pct(fillLatency, 99), pct(fillLatency, 100));
      System.out.printf("client side: %d + %d of %d + %d stalled clients saw their stream end (EOF or reset)%n",
          endedA, endedB, SLOW, SLOW);
      List<String> slowLines = logLines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("reason=slow_consumer")).toList();
      long suppressedLines = logLines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(m -> m.contains("suppressed")).count();
      System.out.printf("log: %d slow_consumer lines, %d 'suppressed' lines, e.g. %s%n", slowLines.size(),
          suppressedLines, slowLines.isEmpty() ? "-" : slowLines.get(0));

      SoftAssertions soft = new SoftAssertions();
      soft.assertThat(cutOffInFlood).as("stalled clients cut off during the flood (sse_slow_client_disconnects_total)")
          .isEqualTo(SLOW);
      soft.assertThat(Scrape.slowClientDisconnects(port)).as("stalled clients cut off in all").isEqualTo(2L * SLOW);
      soft.assertThat(Scrape.disconnects(port, "slow_consumer")).as("sse_disconnects_total{reason=slow_consumer}")
          .isEqualTo(2L * SLOW);
      soft.assertThat(Scrape.connections(port)).as("connections left: the healthy ones").isEqualTo(HEALTHY);
      soft.assertThat(endedA + endedB).as("stalled clients that see their stream end").isEqualTo(2 * SLOW);
      soft.assertThat(peak.heapBytes() / SLOW).as("peak heap growth per stalled client (bytes)")
          .isLessThan(HEAP_BOUND_PER_CLIENT);
      soft.assertThat(peak.kernelTcpBytes() / SLOW).as("peak kernel TCP memory per stalled client (bytes, machine-wide)")
          .isLessThan(KERNEL_BOUND_PER_CLIENT);
      soft.assertThat(after.heapBytes() / SLOW).as("heap growth per client left once they are cut off")
          .isLessThan(HEAP_BOUND_PER_CLIENT / 8);
      soft.assertThat(pct(floodLatency, 99)).as("healthy p99 latency (ms) during the flood").isLessThan(500.0);
      soft.assertThat(pct(fillLatency, 99)).as("healthy p99 latency (ms) while the queues fill").isLessThan(500.0);
      long loggedSeconds = (System.nanoTime() - floodBegan) / 1_000_000_000L + 1;
      soft.assertThat(slowLines).as("disconnect log lines naming the reason, at most 10 a second").isNotEmpty()
          .hasSizeLessThanOrEqualTo((int) (10 * loggedSeconds));
      soft.assertThat(slowLines).allSatisfy(line -> assertThat(line).contains("topics=[flood]"));
      soft.assertThat(slowLines).allSatisfy(line -> assertThat(stalledPorts).contains(clientPort(line)));
      soft.assertAll();
    } finally {
      connectionsLog.detachAppender(logLines);
      healthy.forEach(TimedSubscriber::close);
      clientVertx.close().toCompletionStage().toCompletableFuture().get();
    }
  }

  private static void publish(int port, int seq) {
    String body = "{\"topic\":\"flood\",\"data\":\"" + seq + " " + System.nanoTime() + " " + PADDING + "\"}";
    int status = Http.publish(port, body).statusCode();
    if (status != 200) {
      throw new AssertionError("publish " + seq + " answered " + status);
    }
  }

  private static void awaitConnections(int port, long count) {
    long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (Scrape.connections(port) < count) {
      if (System.nanoTime() > end) {
        throw new AssertionError("only " + Scrape.connections(port) + " of " + count + " connections open");
      }
      TimedSubscriber.sleepMs(20);
    }
  }

  /** The client's port in "Disconnected /127.0.0.1:PORT reason=...". */
  private static int clientPort(String line) {
    Matcher m = Pattern.compile("Disconnected /?127\\.0\\.0\\.1:(\\d+) ").matcher(line);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  private static long[] latencies(List<TimedSubscriber> subscribers, int from, int to) {
    long[] all = new long[subscribers.size() * (to - from)];
    int i = 0;
    for (TimedSubscriber s : subscribers) {
      for (int seq = from; seq < to; seq++) {
        all[i++] = s.latencyNanos(seq);
      }
    }
    Arrays.sort(all);
    return all;
  }

  private static double pct(long[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int idx = (int) Math.min(sorted.length - 1, Math.ceil(p / 100.0 * sorted.length) - 1);
    return sorted[Math.max(0, idx)] / 1e6;
  }
}

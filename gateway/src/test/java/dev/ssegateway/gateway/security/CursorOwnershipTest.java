package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Server-side cursors ({@code streamId}) belong to whoever made them: a signed-in user's cursor is
 * out of reach of anonymous clients, an anonymous client's cursor out of reach of other addresses,
 * and what one owner (and the cluster) keeps is bounded. Attacked with real sockets.
 */
@DisplayName("Resume state belongs to its owner: cursor hijack and cursor flood")
class CursorOwnershipTest {
  private static final String SECRET = "cursor-test-secret-abcdefghijklmnopqrstuvwxyz";
  private static final String FAR_FUTURE = "9999999999999-0";
  private static final int MAX_PER_OWNER = 100;
  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;

  @BeforeAll
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_PUBLIC_TOPICS", "news*",
        "SSE_MAX_CURSORS_PER_OWNER", Integer.toString(MAX_PER_OWNER),
        "SSE_MAX_CONNECTIONS_PER_ADDRESS", "0"));
    port = node.port();
  }

  @AfterAll
  static void stop() {
    gateways.close();
  }

  private static String publish(String topic, String data) {
    var r = Http.publish(port, new JsonObject().put("topic", topic).put("data", data).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("id");
  }

  private static RawHttp stream(String source, String target, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Accept", "text/event-stream");
    all.putAll(headers);
    return RawHttp.openFrom(source, port, RawHttp.request("GET", target, all, null));
  }

  private static List<String> datas(List<SseEvent> events) {
    return events.stream().map(e -> (e.event() == null || e.event().equals("message") ? "" : e.event() + ":") + e.data()).toList();
  }

  /** Opens, reads until {@code expect} arrives (or 5 s), closes; returns what arrived. */
  private static List<String> visit(String source, String target, Map<String, String> headers, String expect) {
    try (RawHttp s = stream(source, target, headers)) {
      assertThat(s.status()).as("status of %s", target).isEqualTo(200);
      List<SseEvent> events = expect == null
          ? List.of(s.awaitLive(Duration.ofSeconds(5)) ? new SseEvent(null, null, "live") : new SseEvent(null, null, "not live"))
          : s.readEvents(es -> es.stream().anyMatch(e -> expect.equals(e.data())), Duration.ofSeconds(5));
      return datas(events);
    } finally {
      Scrape.sleep(300); // the cursor is saved as the stream ends
    }
  }

  @Test
  @DisplayName("an anonymous client reusing a signed-in user's streamId (public topic, far-future Last-Event-ID) cannot move her cursor")
  void anonymousCannotMoveAUsersCursor() {
    String streamId = "alice-tab-" + UUID.randomUUID();
    Map<String, String> alice = Map.of("Authorization", "Bearer "
        + Tokens.hs256(SECRET, Tokens.claims("alice", 300, List.of("user.alice"), List.of())));
    String target = "/events?topic=user.alice&streamId=" + streamId;
    visit("127.0.0.1", target, alice, null);
    publish("user.alice", "a1");
    assertThat(visit("127.0.0.1", target, alice, "a1")).contains("a1");

    // The attack: same streamId, no token, a public topic, once plain and once with a forged id.
    visit("127.0.0.1", "/events?topic=news&streamId=" + streamId, Map.of(), null);
    visit("127.0.0.1", "/events?topic=news&streamId=" + streamId, Map.of("Last-Event-ID", FAR_FUTURE), null);

    publish("user.alice", "a2"); // while Alice is away
    List<String> reload = visit("127.0.0.1", target, alice, "a2");
    System.out.println("[cursor] Alice reloads after an anonymous client used her streamId: " + reload);
    assertThat(reload).contains("a2").noneMatch(d -> d.startsWith("sse-history-lost"));
  }

  @Test
  @DisplayName("an anonymous cursor belongs to its client address: another address with the same streamId cannot move it")
  void anonymousCursorsAreScopedByAddress() {
    String streamId = "anon-tab-" + UUID.randomUUID();
    String target = "/events?topic=news.anon&streamId=" + streamId;
    visit("127.0.0.1", target, Map.of(), null);
    publish("news.anon", "n1");
    assertThat(visit("127.0.0.1", target, Map.of(), "n1")).contains("n1");

    // The attack from another address: the same streamId on another public topic, then a forged id.
    visit("127.0.0.2", "/events?topic=news.other&streamId=" + streamId, Map.of(), null);
    visit("127.0.0.2", target, Map.of("Last-Event-ID", FAR_FUTURE), null);

    publish("news.anon", "n2");
    List<String> reload = visit("127.0.0.1", target, Map.of(), "n2");
    System.out.println("[cursor] anonymous client reloads after another address used its streamId: " + reload);
    assertThat(reload).contains("n2");
  }

  @Test
  @DisplayName("a flood of connections with unique streamIds from one address keeps at most SSE_MAX_CURSORS_PER_OWNER cursors")
  void cursorFloodIsBounded() throws Exception {
    publish("news.flood", "f1");
    int before = node.cluster().cursorCount();
    long heapBefore = liveHeap();
    // 2,000 in the default build (seconds); -Dsecurity.cursorFlood=20000 for the figure.
    int total = Integer.getInteger("security.cursorFlood", 2_000) / 8 * 8;
    AtomicInteger opened = new AtomicInteger();
    long start = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> jobs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        jobs.add(pool.submit(() -> {
          for (int i = 0; i < total / 8; i++) {
            // Every other one resumes by Last-Event-ID: its cursor must count against the bound too.
            Map<String, String> headers = i % 2 == 0 ? Map.of() : Map.of("Last-Event-ID", "0-0");
            try (RawHttp s = RawHttp.get(port, "/events?topic=news.flood&streamId=" + UUID.randomUUID(), headers)) {
              if (s.status() == 200 && s.awaitLive(Duration.ofSeconds(5))) {
                opened.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (Future<?> j : jobs) {
        j.get(120, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long floodMs = (System.nanoTime() - start) / 1_000_000;
    Scrape.sleep(2000); // last saves and evictions land
    int after = node.cluster().cursorCount();
    long heapAfter = liveHeap();
    System.out.printf("[cursor] flood: %d streams with unique streamIds from one address in %d ms;"
            + " cursor entries %d -> %d; live heap %.1f MB -> %.1f MB (%+.1f MB)%n",
        opened.get(), floodMs, before, after, heapBefore / 1e6, heapAfter / 1e6, (heapAfter - heapBefore) / 1e6);
    assertThat(opened.get()).isEqualTo(total);
    // Per owner plus the few whose save raced their eviction (at most one per concurrent stream).
    assertThat(after - before).isLessThanOrEqualTo(MAX_PER_OWNER + 8);
  }

  @Test
  @DisplayName("a signed-in user keeps at most SSE_MAX_CURSORS_PER_OWNER cursors: the least recently opened goes, the newest still resumes")
  void perUserBound() {
    Map<String, String> bob = Map.of("Authorization", "Bearer "
        + Tokens.hs256(SECRET, Tokens.claims("bob", 300, List.of("user.bob"), List.of())));
    publish("user.bob", "b0");
    int before = node.cluster().cursorCount();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < MAX_PER_OWNER + 30; i++) {
      String id = "bob-" + i + "-" + UUID.randomUUID();
      ids.add(id);
      try (RawHttp s = stream("127.0.0.1", "/events?topic=user.bob&streamId=" + id, bob)) {
        assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
      }
    }
    Scrape.sleep(1000);
    int kept = node.cluster().cursorCount() - before;
    publish("user.bob", "b1");
    List<String> newest = visit("127.0.0.1", "/events?topic=user.bob&streamId=" + ids.get(ids.size() - 1), bob, "b1");
    List<String> oldest = visit("127.0.0.1", "/events?topic=user.bob&streamId=" + ids.get(0), bob, "b1");
    System.out.printf("[cursor] user bob opened %d streamIds: %d cursors kept; newest resumes %s, oldest (dropped) %s%n",
        ids.size(), kept, newest, oldest);
    assertThat(kept).isBetween(MAX_PER_OWNER - 1, MAX_PER_OWNER + 1);
    assertThat(newest).contains("b1");
    assertThat(oldest).as("a dropped cursor starts at the head: b1 is not replayed").doesNotContain("b1");
  }

  private static long liveHeap() {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Scrape.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}

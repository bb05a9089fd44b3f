package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The auth hook against a real backend HTTP server: what is forwarded, allow and deny, the cache,
 * slow, failing and hostile backends, the breaker's open and half-open states, the per-user limit
 * by the returned {@code sub}, and the order with JWTs. Each test uses cookies of its own, so the
 * node's decision cache never carries an answer from one test into another.
 */
@DisplayName("Auth hook: the app's backend authorizes subscribers from their cookies")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuthHookTest {
  private static final String SECRET = "auth-hook-test-secret-0123456789abcdefghij";
  private static final long TIMEOUT_MS = 1000;
  private static final long OPEN_MS = 1500;
  private static FakeAuthBackend backend;
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() throws Exception {
    backend = new FakeAuthBackend();
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_AUTH_HOOK_URL", backend.url(),
        "SSE_AUTH_HOOK_HEADERS", "Authorization,X-Requested-With",
        "SSE_AUTH_HOOK_TIMEOUT_MS", Long.toString(TIMEOUT_MS),
        "SSE_AUTH_HOOK_BREAKER_FAILURES", "3",
        "SSE_AUTH_HOOK_BREAKER_OPEN_MS", Long.toString(OPEN_MS),
        "SSE_MAX_CONNECTIONS_PER_USER", "1",
        "SSE_PUBLIC_TOPICS", "news",
        "SSE_JWT_SECRET", SECRET));
    // A first call on a loaded machine (cold JIT, first connection) can take longer than the
    // deadline; the tests below measure a warm path.
    backend.answer(anyCookie("[\"warm\"]", null));
    for (int i = 0; i < 10 && attempt("topic=warm", cookie("session=warm-" + i)).status() != 200; i++) {
      Scrape.sleep(200);
    }
  }

  @AfterAll
  static void stop() {
    gateways.close();
    backend.close();
  }

  private static Map<String, String> cookie(String value) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Cookie", value);
    return h;
  }

  /** Opens /events; returns 200 with the stream closed when it was accepted, else the refusal. */
  private static RawHttp.Response attempt(String query, Map<String, String> headers) {
    try (RawHttp s = RawHttp.get(node.port(), "/events?" + query, headers)) {
      return s.isEventStream() ? new RawHttp.Response(200, s.headers(), "") : s.response();
    }
  }

  private static void assertRefused(RawHttp.Response r, int status, String error) {
    assertThat(r.status()).as(r.toString()).isEqualTo(status);
    assertThat(r.isJson()).as(r.toString()).isTrue();
    assertThat(r.error()).as(r.toString()).isEqualTo(error);
  }

  private static double calls(String outcome) {
    return Scrape.value(node.port(), "sse_auth_hook_calls_total", "outcome=\"" + outcome + "\"");
  }

  private static double breakerState() {
    return Scrape.value(node.port(), "sse_auth_hook_breaker_state", null);
  }

  /** Allows the session cookie {@code session=<sub>-...} as {@code sub} with the given grants. */
  private static FakeAuthBackend.Answer sessions(String topicsJson, Integer cacheMs) {
    return (x, seen) -> {
      String c = seen.header("cookie");
      String session = c == null ? null : c.replaceAll(".*session=([a-z]+)-[^;]*.*", "$1");
      if (session == null || session.equals(c)) {
        FakeAuthBackend.json(x, 401, "");
        return;
      }
      FakeAuthBackend.json(x, 200, "{\"allow\":true,\"sub\":\"" + session + "\",\"topics\":" + topicsJson
          + (cacheMs == null ? "" : ",\"cacheMs\":" + cacheMs) + "}");
    };
  }

  /**
   * Allows any request with a cookie, naming no {@code sub}: for tests that open one browser's
   * stream several times in a row, which SSE_MAX_CONNECTIONS_PER_USER=1 would race against the
   * release of the previous stream's slot.
   */
  private static FakeAuthBackend.Answer anyCookie(String topicsJson, Integer cacheMs) {
    return (x, seen) -> FakeAuthBackend.json(x, seen.header("cookie") == null ? 401 : 200,
        "{\"allow\":true,\"topics\":" + topicsJson + (cacheMs == null ? "" : ",\"cacheMs\":" + cacheMs) + "}");
  }

  @Test
  @Order(1)
  @DisplayName("a browser with a session cookie is let in; cookies, chosen headers, address, topics and resume id reach the backend")
  void forwardsWhatIdentifiesTheBrowser() {
    backend.answer(sessions("[\"user.alice\",\"orders/*\"]", null));
    Map<String, String> h = cookie("session=alice-1; theme=dark");
    h.put("X-Requested-With", "XMLHttpRequest");
    h.put("X-Not-Forwarded", "secret-ish");
    h.put("Last-Event-ID", "1700000000000-0");
    int before = backend.calls();

    RawHttp.Response r = attempt("topic=user.alice&topic=orders/42&streamId=tab-000001", h);

    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    assertThat(backend.calls()).isEqualTo(before + 1);
    FakeAuthBackend.Seen seen = backend.last();
    assertThat(seen.header("cookie")).isEqualTo("session=alice-1; theme=dark");
    assertThat(seen.header("x-requested-with")).isEqualTo("XMLHttpRequest");
    assertThat(seen.header("x-not-forwarded")).isNull();
    assertThat(seen.header("x-forwarded-for")).isEqualTo("127.0.0.1");
    assertThat(seen.body().getJsonArray("topics").getList()).containsExactly("orders/42", "user.alice");
    assertThat(seen.body().getString("clientAddress")).isEqualTo("127.0.0.1");
    assertThat(seen.body().getString("lastEventId")).isEqualTo("1700000000000-0");
    assertThat(seen.body().getString("streamId")).isEqualTo("tab-000001");
  }

  @Test
  @Order(2)
  @DisplayName("a topic the backend does not grant is 403 forbidden_topic; a denial is 403 or 401 auth_hook_denied")
  void grantsAndDenials() {
    backend.answer(sessions("[\"user.bob\"]", null));
    assertRefused(attempt("topic=user.alice", cookie("session=bob-1")), 403, "forbidden_topic");
    assertThat(attempt("topic=user.bob", cookie("session=bob-1")).status()).isEqualTo(200);
    // No session cookie at all: this backend answers 401.
    assertRefused(attempt("topic=user.bob", Map.of()), 401, "auth_hook_denied");

    backend.answer((x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":false}"));
    assertRefused(attempt("topic=user.bob", cookie("session=bob-2")), 403, "auth_hook_denied");
    backend.answer((x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":false,\"status\":401}"));
    assertRefused(attempt("topic=user.bob", cookie("session=bob-3")), 401, "auth_hook_denied");
    backend.answer((x, s) -> FakeAuthBackend.json(x, 403, "<html>Forbidden</html>"));
    assertRefused(attempt("topic=user.bob", cookie("session=bob-4")), 403, "auth_hook_denied");
  }

  @Test
  @Order(3)
  @DisplayName("answers are cached for their cacheMs, keyed by the cookies: another cookie asks again, no cacheMs is not cached")
  void cacheHitAndMiss() {
    backend.answer(anyCookie("[\"user.*\"]", 60_000));
    double hits = Scrape.value(node.port(), "sse_auth_hook_cache_total", "result=\"hit\"");
    int before = backend.calls();
    assertThat(attempt("topic=user.dan", cookie("session=dan-1")).status()).isEqualTo(200);
    assertThat(attempt("topic=user.dan", cookie("session=dan-1")).status()).isEqualTo(200);
    assertThat(attempt("topic=user.dan", cookie("session=dan-1")).status()).isEqualTo(200);
    assertThat(backend.calls()).as("one call, then the cache").isEqualTo(before + 1);
    assertThat(Scrape.value(node.port(), "sse_auth_hook_cache_total", "result=\"hit\"")).isEqualTo(hits + 2);

    // Another cookie is another browser: never answered from dan's entry.
    assertThat(attempt("topic=user.dan", cookie("session=eve-1")).status()).isEqualTo(200);
    assertThat(backend.calls()).isEqualTo(before + 2);
    assertThat(backend.last().header("cookie")).isEqualTo("session=eve-1");

    backend.answer(anyCookie("[\"user.*\"]", null));
    assertThat(attempt("topic=user.fay", cookie("session=fay-1")).status()).isEqualTo(200);
    assertThat(attempt("topic=user.fay", cookie("session=fay-1")).status()).isEqualTo(200);
    assertThat(backend.calls()).as("no cacheMs: asked each time").isEqualTo(before + 4);
  }

  @Test
  @Order(4)
  @DisplayName("hostile answers (huge, wrong types, not JSON, redirects) are denials, logged, never a 5xx; the breaker stays closed")
  void hostileAnswersAreDenials() {
    String pad = "x".repeat(1024 * 1024);
    String grantAll = "{\"allow\":true,\"sub\":\"mallory\",\"topics\":[\"*\"],\"pad\":\"" + pad + "\"}";
    List<FakeAuthBackend.Answer> answers = List.of(
        (x, s) -> FakeAuthBackend.json(x, 200, grantAll),
        (x, s) -> FakeAuthBackend.chunked(x, 200, grantAll),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":\"true\",\"topics\":[\"*\"]}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":\"*\"}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"sub\":42,\"topics\":[\"*\"]}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[1]}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[\"user alice\\n\"]}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[\"*\"],\"cacheMs\":-1}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[\"*\"],\"cacheMs\":1.5}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":false,\"status\":200}"),
        (x, s) -> FakeAuthBackend.json(x, 200, "[{\"allow\":true,\"topics\":[\"*\"]}]"),
        (x, s) -> FakeAuthBackend.json(x, 200, "<html><body>Welcome! Please log in</body></html>"),
        (x, s) -> FakeAuthBackend.json(x, 200, ""),
        (x, s) -> FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[\"*\"]"),
        (x, s) -> {
          x.getResponseHeaders().set("Location", "/login");
          FakeAuthBackend.json(x, 302, "");
        },
        (x, s) -> FakeAuthBackend.json(x, 404, "{\"allow\":true,\"topics\":[\"*\"]}"));
    double invalid = calls("invalid");
    try (LogCapture logs = new LogCapture()) {
      int i = 0;
      for (FakeAuthBackend.Answer a : answers) {
        backend.answer(a);
        RawHttp.Response r = attempt("topic=private.x", cookie("session=mallory-" + i++));
        assertRefused(r, 403, "auth_hook_denied");
      }
      assertThat(logs.lines()).anyMatch(l -> l.contains("invalid answer") && l.contains("over 65536 bytes"));
      assertThat(logs.lines()).anyMatch(l -> l.contains("invalid answer") && l.contains("'allow' is not true or false"));
      assertThat(logs.lines()).noneMatch(l -> l.contains("mallory-"));
    }
    assertThat(calls("invalid")).isEqualTo(invalid + answers.size());
    assertThat(breakerState()).isZero();
  }

  @Test
  @Order(5)
  @DisplayName("a slow backend (late head, or a dribbled body) or a dropped connection: 503 auth_backend_unavailable with Retry-After")
  void slowBackendTimesOut() {
    backend.answer((x, s) -> {
      Scrape.sleep(3000);
      FakeAuthBackend.json(x, 200, "{\"allow\":true,\"topics\":[\"*\"]}");
    });
    double timeouts = calls("timeout");
    long start = System.nanoTime();
    RawHttp.Response r = attempt("topic=private.slow", cookie("session=slow-1"));
    long ms = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("slow backend (answers after 3000 ms, SSE_AUTH_HOOK_TIMEOUT_MS=%d): refused after %d ms%n",
        TIMEOUT_MS, ms);
    assertRefused(r, 503, "auth_backend_unavailable");
    assertThat(r.headers().get("retry-after")).matches("[1-9][0-9]*");
    assertThat(calls("timeout")).isEqualTo(timeouts + 1);
    assertThat(ms).as("refused at the deadline, not when the backend answers").isLessThan(2900);

    // A backend that sends its head at once, then dribbles the body: the same deadline holds.
    backend.answer((x, s) -> {
      x.sendResponseHeaders(200, 0);
      x.getResponseBody().write("{\"allow\":".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      x.getResponseBody().flush();
      Scrape.sleep(3000);
      x.getResponseBody().write("true,\"topics\":[\"*\"]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    });
    start = System.nanoTime();
    assertRefused(attempt("topic=private.slow", cookie("session=slow-2")), 503, "auth_backend_unavailable");
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2900);
    assertThat(calls("timeout")).isEqualTo(timeouts + 2);

    // Two failures are not enough to open the breaker (3 are): a healthy answer resets the count.
    backend.answer(sessions("[\"*\"]", null));
    assertThat(attempt("topic=private.slow", cookie("session=slow-3")).status()).isEqualTo(200);
    assertThat(breakerState()).isZero();

    // A backend that drops the connection without answering: 503 too, counted as unreachable.
    double unreachable = calls("unreachable");
    backend.answer((x, s) -> x.getResponseBody().close());
    assertRefused(attempt("topic=private.slow", cookie("session=slow-4")), 503, "auth_backend_unavailable");
    assertThat(calls("unreachable")).isEqualTo(unreachable + 1);
    backend.answer(sessions("[\"*\"]", null));
    assertThat(attempt("topic=private.slow", cookie("session=slow-5")).status()).isEqualTo(200);
  }

  @Test
  @Order(6)
  @DisplayName("a failing backend (500s) opens the breaker: fast 503s without calls, then one half-open trial, then recovery")
  void breakerOpensAndRecovers() {
    backend.answer((x, s) -> FakeAuthBackend.json(x, 500, "{\"error\":\"db down\"}"));
    double refusedByBreaker = Scrape.value(node.port(), "sse_auth_hook_breaker_refusals_total", null);
    try (LogCapture logs = new LogCapture()) {
      int before = backend.calls();
      for (int i = 0; i < 3; i++) {
        assertRefused(attempt("topic=private.b", cookie("session=brk-" + i)), 503, "auth_backend_unavailable");
      }
      assertThat(backend.calls()).isEqualTo(before + 3);
      assertThat(breakerState()).as("open").isEqualTo(1);
      assertThat(logs.lines()).anyMatch(l -> l.contains("breaker OPEN"));

      long start = System.nanoTime();
      RawHttp.Response fast = attempt("topic=private.b", cookie("session=brk-9"));
      System.out.printf("breaker open: refused in %d ms without a call%n", (System.nanoTime() - start) / 1_000_000);
      assertRefused(fast, 503, "auth_backend_unavailable");
      assertThat(Long.parseLong(fast.headers().get("retry-after"))).isBetween(1L, 2L);
      assertThat(backend.calls()).as("no call while open").isEqualTo(before + 3);
      assertThat(Scrape.value(node.port(), "sse_auth_hook_breaker_refusals_total", null)).isEqualTo(refusedByBreaker + 1);

      // Half-open, backend still failing: the one trial fails and the breaker opens again.
      Scrape.sleep(OPEN_MS + 100);
      assertThat(breakerState()).as("half-open").isEqualTo(2);
      assertRefused(attempt("topic=private.b", cookie("session=brk-10")), 503, "auth_backend_unavailable");
      assertThat(backend.calls()).isEqualTo(before + 4);
      assertRefused(attempt("topic=private.b", cookie("session=brk-11")), 503, "auth_backend_unavailable");
      assertThat(backend.calls()).as("open again after the failed trial").isEqualTo(before + 4);

      // The backend recovers: the next trial closes the breaker.
      backend.answer(anyCookie("[\"private.*\"]", null));
      Scrape.sleep(OPEN_MS + 100);
      assertThat(attempt("topic=private.b", cookie("session=brk-12")).status()).isEqualTo(200);
      assertThat(breakerState()).as("closed").isZero();
      assertThat(attempt("topic=private.b", cookie("session=brk-13")).status()).isEqualTo(200);
      assertThat(backend.calls()).isEqualTo(before + 6);
      assertThat(logs.lines()).anyMatch(l -> l.contains("breaker closed"));
    }
    assertThat(Scrape.refused(node.port(), "auth_backend_unavailable")).isGreaterThanOrEqualTo(6);
  }

  @Test
  @Order(7)
  @DisplayName("the sub the backend returns is the user of SSE_MAX_CONNECTIONS_PER_USER: a second device of carol gets 429")
  void perUserLimitUsesTheReturnedSub() {
    backend.answer(sessions("[\"user.carol\"]", null));
    List<RawHttp> open = new ArrayList<>();
    try {
      RawHttp laptop = RawHttp.get(node.port(), "/events?topic=user.carol", cookie("session=carol-laptop"));
      open.add(laptop);
      assertThat(laptop.isEventStream()).isTrue();
      assertThat(laptop.awaitLive(Duration.ofSeconds(5))).isTrue();
      RawHttp.Response phone = attempt("topic=user.carol", cookie("session=carol-phone"));
      assertRefused(phone, 429, "too_many_user_connections");
      assertThat(backend.last().header("cookie")).isEqualTo("session=carol-phone");
    } finally {
      open.forEach(RawHttp::close);
    }
  }

  @Test
  @Order(8)
  @DisplayName("order with JWTs: a valid token decides without a call; an invalid one falls through to the hook; public topics never call it")
  void orderWithJwts() {
    backend.answer((x, s) -> FakeAuthBackend.json(x, 500, "{}"));
    int before = backend.calls();
    String token = Tokens.hs256(SECRET, Tokens.claims("gus", 300, List.of("orders/*"), List.of()));
    assertThat(attempt("topic=orders/1", Map.of("Authorization", "Bearer " + token)).status()).isEqualTo(200);
    assertRefused(attempt("topic=user.gus", Map.of("Authorization", "Bearer " + token)), 403, "forbidden_topic");
    assertThat(attempt("topic=news", Map.of()).status()).as("public topic, backend down").isEqualTo(200);
    assertThat(backend.calls()).as("no hook call for a valid token or a public topic").isEqualTo(before);

    backend.answer(sessions("[\"orders/*\"]", null));
    Map<String, String> stale = cookie("session=hal-1");
    stale.put("Authorization", "Bearer not.a.jwt");
    assertThat(attempt("topic=orders/1", stale).status()).isEqualTo(200);
    assertThat(backend.calls()).isEqualTo(before + 1);
    assertThat(backend.last().header("authorization")).as("forwarded: the backend may know this opaque token")
        .isEqualTo("Bearer not.a.jwt");
  }

  private static List<String> datas(RawHttp s, String expect, Duration timeout) {
    return s.readEvents(es -> es.stream().anyMatch(e -> expect.equals(e.data())), timeout).stream()
        .map(e -> e.data()).toList();
  }

  private static RawHttp streamFrom(String source, String target, String cookie) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Accept", "text/event-stream");
    h.put("Cookie", cookie);
    return RawHttp.openFrom(source, node.port(), RawHttp.request("GET", target, h, null));
  }

  private static void publish(String topic, String data) {
    var r = dev.ssegateway.gateway.testing.Http.publish(node.port(),
        new io.vertx.core.json.JsonObject().put("topic", topic).put("data", data).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  @Order(9)
  @DisplayName("the returned sub owns the streamId cursor: ivy's phone resumes where her laptop stopped; jay's same streamId does not")
  void cursorBelongsToTheReturnedSub() {
    backend.answer(sessions("[\"user.*\"]", null));
    String target = "/events?topic=user.ivy&streamId=ivy-tab-" + System.nanoTime();
    try (RawHttp laptop = streamFrom("127.0.0.1", target, "session=ivy-laptop")) {
      assertThat(laptop.isEventStream()).isTrue();
      assertThat(laptop.awaitLive(Duration.ofSeconds(5))).isTrue();
      publish("user.ivy", "e1");
      assertThat(datas(laptop, "e1", Duration.ofSeconds(5))).contains("e1");
    }
    Scrape.sleep(300); // the cursor is saved as the stream ends; the user slot is given back
    publish("user.ivy", "e2");
    try (RawHttp phone = streamFrom("127.0.0.2", target, "session=ivy-phone")) {
      assertThat(phone.isEventStream()).as("ivy's phone").isTrue();
      assertThat(datas(phone, "e2", Duration.ofSeconds(5))).as("replayed from ivy's cursor").contains("e2").doesNotContain("e1");
    }
    try (RawHttp other = streamFrom("127.0.0.1", target, "session=jay-1")) {
      assertThat(other.isEventStream()).as("jay").isTrue();
      assertThat(other.awaitLive(Duration.ofSeconds(5))).isTrue();
      assertThat(datas(other, "e2", Duration.ofSeconds(1))).as("jay has no cursor of that name").doesNotContain("e1", "e2");
    }
  }

  /** Milliseconds to the answer's head for each of {@code n} sequential opens. */
  private static long[] timeOpens(int n, java.util.function.IntFunction<Map<String, String>> headers, String query) {
    long[] ms = new long[n];
    for (int i = 0; i < n; i++) {
      long start = System.nanoTime();
      RawHttp.Response r = attempt(query, headers.apply(i));
      ms[i] = (System.nanoTime() - start) / 1000;
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    java.util.Arrays.sort(ms);
    return ms;
  }

  private static String summary(long[] micros) {
    return String.format("p50 %.2f ms, p90 %.2f ms, max %.2f ms", micros[micros.length / 2] / 1000.0,
        micros[micros.length * 9 / 10] / 1000.0, micros[micros.length - 1] / 1000.0);
  }

  @Test
  @Order(10)
  @DisplayName("prints what the hook costs an open: a call to a loopback backend, a cache hit, and a JWT (no call)")
  void printsTheCostOfAHookCall() {
    int n = 200;
    backend.answer(anyCookie("[\"cost.*\"]", null));
    timeOpens(20, i -> cookie("session=warmup-" + i), "topic=cost.a");
    int before = backend.calls();
    long[] miss = timeOpens(n, i -> cookie("session=miss-" + i), "topic=cost.a");
    assertThat(backend.calls()).isEqualTo(before + n);
    backend.answer(anyCookie("[\"cost.*\"]", 60_000));
    attempt("topic=cost.a", cookie("session=cached"));
    long[] hit = timeOpens(n, i -> cookie("session=cached"), "topic=cost.a");
    assertThat(backend.calls()).isEqualTo(before + n + 1);
    // No sub, like the hook's answers here: neither path then takes a per-user slot in Hazelcast.
    String token = Tokens.hs256(SECRET, Tokens.claims(null, 300, List.of("cost.*"), List.of()));
    long[] jwt = timeOpens(n, i -> Map.of("Authorization", "Bearer " + token), "topic=cost.a");
    System.out.printf("[auth hook] %d sequential opens to the stream's head, one node, loopback backend (JDK HttpServer),"
        + " no sub (no per-user slot):%n"
        + "  hook call (cache miss): %s%n  cache hit:              %s%n  valid JWT (no call):    %s%n",
        n, summary(miss), summary(hit), summary(jwt));
  }

  @Test
  @Order(11)
  @DisplayName("a burst of 200 browsers at once: every one is asked about and let in, none gets a 5xx")
  void burstOfNewBrowsers() throws Exception {
    int n = 200;
    backend.answer(anyCookie("[\"burst.*\"]", null));
    int before = backend.calls();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(50);
    List<java.util.concurrent.Future<RawHttp>> opening = new ArrayList<>();
    long start = System.nanoTime();
    for (int i = 0; i < n; i++) {
      int k = i;
      opening.add(pool.submit(() -> RawHttp.get(node.port(), "/events?topic=burst.a", cookie("session=burst-" + k))));
    }
    List<RawHttp> open = new ArrayList<>();
    int accepted = 0;
    try {
      for (var f : opening) {
        RawHttp s = f.get();
        open.add(s);
        if (s.isEventStream()) {
          accepted++;
        } else {
          throw new AssertionError("refused in the burst: " + s.response());
        }
      }
      long ms = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("[auth hook] burst: %d opens from 50 threads, each a hook call: %d accepted in %d ms, %d backend calls%n",
          n, accepted, ms, backend.calls() - before);
      assertThat(accepted).isEqualTo(n);
      assertThat(backend.calls() - before).isEqualTo(n);
    } finally {
      open.forEach(RawHttp::close);
      pool.shutdownNow();
    }
  }
}

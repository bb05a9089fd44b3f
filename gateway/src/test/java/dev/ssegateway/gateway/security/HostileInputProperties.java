package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.gateway.sse.ResumeCursor;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * Hostile input against one real node over real sockets. Every request ends in one of two ways:
 * a clean 4xx with a JSON body, or success with an exact delivery (the published data arrives, as
 * parsed by the independent {@code SseParser} from strictly decoded UTF-8, and nothing else does).
 * Never a 5xx, never a corrupted or injected event, and every connection is released afterwards.
 *
 * <p>Known limits of the wire format, not of the gateway: SSE cannot carry CR in data (CR, LF and
 * CRLF all end a line), so data arrives with each of them as LF. Headers that frame the request
 * itself (Content-Length, Transfer-Encoding, Host...) are not fuzzed here.
 */
@Label("Hostile input: always a clean JSON 4xx or an exact delivery")
class HostileInputProperties {
  private static final String SECRET = "fuzz-secret-0123456789abcdefghijklmnop";
  private static final String KEY = Gateways.PUBLISH_KEY;
  private static final int MAX_DATA = 4096;
  private static final int TRIES = 200;
  private static final List<String> INJECTIONS = List.of(
      "\n\nevent: x\ndata: y", "data: y\n\n", "\r\nid: 99999999999999-0\r\n\r\n", "\revent: sse-token-expired\r",
      "x\n\nretry: 1\n\n", ": comment\n\n", "\n", "\r", "\r\n", "\n\n\n", "", " ", "  leading", "data:",
      "id: 1\u0000", "\u0000", "\u2028\u2029\u0085", "\ufeffbom", "</script><script>alert(1)</script>",
      "${jndi:ldap://127.0.0.1/x}", "' OR 1=1 --", "%0d%0aevent:%20x", "\\u0000", "\\n\\nevent: x", "é€😀");

  private static Gateways gateways;
  private static GatewayNode node;
  private static int port;
  /** One stream on topic {@code fuzz} for the whole class: each accepted publish must show up here exactly. */
  private static RawHttp subscriber;
  private static final AtomicLong counter = new AtomicLong();

  @BeforeContainer
  static void start() {
    gateways = new Gateways();
    node = gateways.startOne(Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_PUBLIC_TOPICS", "fuzz*",
        "SSE_PUBLISH_RATE", "0",
        "SSE_MAX_DATA_BYTES", Integer.toString(MAX_DATA),
        "SSE_MAX_REQUEST_LINE", "4096",
        "SSE_MAX_HEADER_BYTES", "8192"));
    port = node.port();
    subscriber = RawHttp.get(port, "/events?topic=fuzz", Map.of());
    assertThat(subscriber.awaitLive(Duration.ofSeconds(5))).isTrue();
  }

  @AfterContainer
  static void stop() {
    if (subscriber != null) {
      subscriber.close();
    }
    gateways.close();
  }

  @AfterProperty
  void noConnectionLeaks() {
    // Only the shared subscriber stays; every stream a try opened has been released.
    Scrape.awaitConnections(port, n -> n == 1, Duration.ofSeconds(5));
    subscriber.readEvents(e -> false, Duration.ofMillis(20));
    assertThat(subscriber.isEnded()).as("the shared stream is still open").isFalse();
  }

  // ---------------------------------------------------------------- publish bodies

  /** A body to POST, as wire bytes (one char per byte), and what must happen to it. */
  record PublishTry(String wire, boolean mustSucceed) {
    @Override
    public String toString() {
      return (mustSucceed ? "valid " : "") + (wire.length() > 200 ? wire.substring(0, 200) + "...(" + wire.length() + ")" : wire);
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  @Label("publish bodies: random JSON, invalid UTF-8, control characters, injections, huge sizes")
  void publishBodies(@ForAll("publishTries") PublishTry t) {
    int before = subscriber.events().size();
    RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", "/publish", Map.of(
        "Authorization", "Bearer " + KEY, "Content-Type", "application/json"), t.wire()));
    Statistics.collect(r.status(), r.error());
    if (t.mustSucceed()) {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
    assertCleanOrSuccess(r);
    if (r.status() == 200) {
      JsonObject sent = new JsonObject(strictUtf8(t.wire()));
      if ("fuzz".equals(sent.getValue("topic"))) {
        assertDeliveredOnce(before, r.json().getString("id"), sent);
      }
    }
  }

  @Provide
  Arbitrary<PublishTry> publishTries() {
    Arbitrary<Object> data = Arbitraries.frequencyOf(
        Tuple.of(6, hostileText().map(s -> (Object) s)),
        Tuple.of(1, Arbitraries.strings().withChars("ab\n\r: ").ofMinLength(MAX_DATA - 10).ofMaxLength(MAX_DATA * 8)
            .map(s -> (Object) s)),
        Tuple.of(1, Arbitraries.of(new JsonObject().put("a", new JsonArray().add(1).add("\n\nevent: x")),
            new JsonArray().add(true).addNull(), 42, -0.5, true, "")));
    Arbitrary<String> topic = Arbitraries.frequencyOf(
        Tuple.of(8, Arbitraries.just("fuzz")),
        Tuple.of(1, hostileText()),
        Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(10).map(s -> "fuzz/" + s)));
    Arbitrary<String> event = Arbitraries.frequencyOf(
        Tuple.of(2, hostileText()),
        Tuple.of(1, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(70))).injectNull(0.5);
    Arbitrary<JsonObject> extra = Arbitraries.frequencyOf(
        Tuple.of(1, Arbitraries.of(-1, 86_400_001, 1.5, "5000", 3000).map(v -> new JsonObject().put("retry", v))),
        Tuple.of(1, Arbitraries.of("x", 1, new JsonArray()).map(v -> new JsonObject().put("close", v))),
        Tuple.of(1, Arbitraries.just(new JsonObject().put("topics", "fuzz")))).injectNull(0.7);
    Arbitrary<PublishTry> json = Combinators.combine(topic, data, event, extra).as((tp, d, ev, ex) -> {
      JsonObject body = new JsonObject().put("topic", tp).put("data", d);
      if (ev != null) {
        body.put("event", ev);
      }
      if (ex != null) {
        body.mergeIn(ex);
      }
      boolean simple = "fuzz".equals(tp) && ev == null && ex == null && d instanceof String s
          && isWellFormed(s) && s.getBytes(StandardCharsets.UTF_8).length <= MAX_DATA;
      return new PublishTry(RawHttp.utf8(body.encode()), simple);
    });
    Arbitrary<PublishTry> rawBytes = Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(300)
        .map(s -> new PublishTry(s, false));
    Arbitrary<PublishTry> mutated = Combinators.combine(json, Arbitraries.integers().between(0, 10_000),
        Arbitraries.chars().range('\u0000', '\u00ff'), Arbitraries.of(true, false)).as((j, at, c, truncate) -> {
          String w = j.wire();
          int i = w.isEmpty() ? 0 : at % w.length();
          return new PublishTry(truncate ? w.substring(0, i) : w.substring(0, i) + c + w.substring(i), false);
        });
    Arbitrary<PublishTry> escapes = Arbitraries.of(
        "{\"topic\":\"fuzz\",\"data\":\"\\ud800\"}", "{\"topic\":\"fuzz\",\"data\":\"a\\udc00b\"}",
        "{\"topic\":\"fuzz\",\"data\":\"\\u0000\\u001f\"}", "{\"topic\":\"fuzz\",\"data\":\"x\",\"data\":\"y\"}",
        "{\"topic\":\"fuzz\",\"event\":\"a\\nb\",\"data\":\"x\"}", "{\"topic\":\"fuzz\",\"event\":\"a\\u0000\",\"data\":\"x\"}",
        "{\"topic\":\"fuzz\",\"event\":\"sse-token-expired\",\"data\":\"x\"}", "[]", "null", "{}", "{\"topic\":\"fuzz\"}",
        "{\"topic\":\"fuzz\",\"data\":\"" + "\\u00e9".repeat(MAX_DATA / 2 + 1) + "\"}")
        .map(s -> new PublishTry(s, false));
    return Arbitraries.frequencyOf(Tuple.of(6, json), Tuple.of(2, rawBytes), Tuple.of(2, mutated), Tuple.of(1, escapes));
  }

  // ---------------------------------------------------------------- topic lists

  /** A query string as wire bytes, and the decoded topics when the query was well encoded. */
  record TopicTry(String query, List<String> decoded) {
    @Override
    public String toString() {
      return query.length() > 300 ? query.substring(0, 300) + "..." : query;
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  @Label("topic lists: hostile names, raw bytes and malformed escapes in the query string")
  void topicLists(@ForAll("topicTries") TopicTry t) {
    try (RawHttp s = RawHttp.open(port, RawHttp.request("GET", "/events" + t.query(),
        Map.of("Accept", "text/event-stream"), null))) {
      if (!s.isEventStream()) {
        RawHttp.Response r = s.response();
        Statistics.collect(r.status(), r.error());
        assertCleanOrSuccess(r);
        if (t.decoded() != null && t.decoded().stream().allMatch(HostileInputProperties::isSimpleTopic)
            && t.decoded().stream().distinct().count() <= 16) {
          throw new AssertionError("valid public topics " + t.decoded() + " were refused");
        }
        return;
      }
      Statistics.collect(200, t.decoded() == null ? "stream" : "stream, delivery checked");
      assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
      if (t.decoded() != null) {
        String topic = t.decoded().get(0);
        String data = "topic-try-" + counter.incrementAndGet();
        RawHttp.Response p = publish(topic, data);
        assertThat(p.status()).as(p.toString()).isEqualTo(200);
        List<SseEvent> got = s.readEvents(e -> !e.isEmpty(), Duration.ofSeconds(5));
        assertThat(got).extracting(SseEvent::data).containsExactly(data);
      }
    }
  }

  @Provide
  Arbitrary<TopicTry> topicTries() {
    Arbitrary<String> name = Arbitraries.frequencyOf(
        Tuple.of(14, Arbitraries.strings().withChars("abcXYZ019._-:/@=+~").ofMaxLength(20).map(s -> "fuzz" + s)),
        Tuple.of(2, hostileText()),
        Tuple.of(1, Arbitraries.integers().between(125, 300).map(n -> "fuzz" + "x".repeat(n))),
        Tuple.of(1, Arbitraries.of("secret", "*", "fuzz*", "fuzz,other", "{fuzz}", "fuzz%", "fuzz#x", "fuzz?x")));
    // Per try: 0 percent-encodes every name properly, 1 sends one name's bytes raw, 2 appends
    // malformed escapes to one name.
    Arbitrary<Integer> encoding = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(0)), Tuple.of(1, Arbitraries.just(1)), Tuple.of(1, Arbitraries.just(2)));
    Arbitrary<String> junkParam = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just("")),
        Tuple.of(1, hostileText().map(v -> "&access_token=" + URLEncoder.encode(v, StandardCharsets.UTF_8))),
        Tuple.of(1, hostileText().map(v -> "&lastEventId=" + URLEncoder.encode(v, StandardCharsets.UTF_8))),
        Tuple.of(1, hostileText().map(v -> "&streamId=" + URLEncoder.encode(v, StandardCharsets.UTF_8))));
    Arbitrary<List<String>> names = Arbitraries.frequencyOf(
        Tuple.of(4, name.list().ofMinSize(1).ofMaxSize(4)),
        Tuple.of(1, name.list().ofMinSize(0).ofMaxSize(24)));
    return Combinators.combine(names, encoding, Arbitraries.integers().between(0, 100), junkParam)
        .as((items, mode, which, junk) -> {
          int odd = items.isEmpty() ? -1 : which % items.size();
          List<String> parts = new ArrayList<>();
          for (int i = 0; i < items.size(); i++) {
            String n = items.get(i);
            String encoded = URLEncoder.encode(n, StandardCharsets.UTF_8);
            if (i == odd && mode == 1) {
              encoded = RawHttp.utf8(n); // raw bytes, unescaped
            } else if (i == odd && mode == 2) {
              encoded += "%zz%F%FF%C3";
            }
            parts.add("topic=" + encoded);
          }
          String query = parts.isEmpty() ? junk.replaceFirst("^&", "?") : "?" + String.join("&", parts) + junk;
          boolean clean = mode == 0 && junk.isEmpty() && !items.isEmpty();
          return new TopicTry(query, clean ? items : null);
        });
  }

  // ---------------------------------------------------------------- Last-Event-ID

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  @Label("Last-Event-ID values: junk, control bytes, invalid UTF-8, ids from the future, huge")
  void lastEventIds(@ForAll("headerValues") String value) {
    String topic = "fuzz-lei-" + counter.incrementAndGet();
    try (RawHttp s = RawHttp.get(port, "/events?topic=" + topic, Map.of("Last-Event-ID", value))) {
      if (!s.isEventStream()) {
        RawHttp.Response r = s.response();
        Statistics.collect(r.status(), r.error());
        assertCleanOrSuccess(r);
        // Refused only when overlong (400 from the gateway, 431 from the HTTP decoder) or when the
        // HTTP decoder finds control bytes that no header value may hold.
        boolean control = value.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f);
        assertThat(value.strip().length() > 4096 || control).as("refused: %s", r).isTrue();
        return;
      }
      assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
      String data = "lei-" + counter.incrementAndGet();
      RawHttp.Response p = publish(topic, data);
      assertThat(p.status()).isEqualTo(200);
      EventId published = EventId.parse(p.json().getString("id"));
      EventId[] claimed = ResumeCursor.decode(value.strip(), 1);
      if (claimed != null && !published.isAfter(claimed[0])) {
        Statistics.collect(200, "stream, id from the future");
        return; // the client claims to have seen this event already: nothing is due
      }
      Statistics.collect(200, claimed == null ? "stream, unknown id" : "stream, resumed");
      List<SseEvent> got = s.readEvents(e -> e.stream().anyMatch(x -> x.event().equals("message")), Duration.ofSeconds(5));
      assertThat(got.stream().filter(e -> e.event().equals("message")).map(SseEvent::data)).containsExactly(data);
      assertThat(got).allMatch(e -> e.event().equals("message") || e.event().equals("sse-history-lost"));
    }
  }

  @Provide
  Arbitrary<String> headerValues() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, Arbitraries.strings().withCharRange('\u0000', '\u00ff').excludeChars('\r', '\n').ofMaxLength(100)),
        Tuple.of(2, Arbitraries.of("0-0", "1-0", "123-4", "1-0,2-0", "-1", "1--1", "01-00", "99999999999999999999-0",
            "9223372036854775807-9223372036854775807", "9223372036854775808-0", "4102444800000-0", " 5-0 ", "5-0\u0000",
            "\u00ff\u00fe", "\u00c3\u00a9t\u00c3\u00a9")),
        Tuple.of(1, Arbitraries.integers().between(4000, 4200).map(n -> "1-" + "0".repeat(n))),
        Tuple.of(1, Arbitraries.integers().between(8200, 9000).map("x"::repeat)));
  }

  // ---------------------------------------------------------------- other header values

  /** One extra header on a subscribe or a publish. */
  record HeaderTry(String name, String value, boolean publish) {
    @Override
    public String toString() {
      return (publish ? "POST " : "GET ") + name + ": " + (value.length() > 100 ? value.substring(0, 100) + "..." : value);
    }
  }

  @Property(tries = TRIES, shrinking = ShrinkingMode.BOUNDED)
  @Label("header values and names: Authorization, Cookie, Origin and others with hostile bytes")
  void headers(@ForAll("headerTries") HeaderTry t) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (t.publish()) {
      headers.put("Authorization", "Bearer " + KEY);
      headers.put("Content-Type", "application/json");
    }
    headers.put(t.name(), t.value()); // may replace one of the above
    if (!t.publish()) {
      try (RawHttp s = RawHttp.get(port, "/events?topic=fuzz-h", headers)) {
        if (s.isEventStream()) {
          Statistics.collect("GET", 200, null);
          assertThat(s.awaitLive(Duration.ofSeconds(5))).isTrue();
        } else {
          RawHttp.Response r = s.response();
          Statistics.collect("GET", r.status(), r.error());
          assertCleanOrSuccess(r);
        }
      }
      return;
    }
    int before = subscriber.events().size();
    JsonObject body = new JsonObject().put("topic", "fuzz").put("data", "h-" + counter.incrementAndGet());
    RawHttp.Response r = RawHttp.exchange(port, RawHttp.request("POST", "/publish", headers, body.encode()));
    Statistics.collect("POST", r.status(), r.error());
    assertCleanOrSuccess(r);
    if (r.status() == 200) {
      assertDeliveredOnce(before, r.json().getString("id"), body);
    }
  }

  @Provide
  Arbitrary<HeaderTry> headerTries() {
    Arbitrary<String> name = Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.of("Authorization", "Cookie", "Origin", "Accept", "Last-Event-ID", "Content-Type",
            "X-Forwarded-For", "User-Agent", "Cache-Control", "Referer", "Accept-Encoding")),
        Tuple.of(1, Arbitraries.strings().withChars("abcXYZ-_!#$%&'*+.^`|~").ofMinLength(1).ofMaxLength(20)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u00ff').excludeChars('\r', '\n', ':')
            .ofMinLength(1).ofMaxLength(20).filter(n -> !n.strip().equalsIgnoreCase("host")
                && !n.strip().toLowerCase().matches("content-length|transfer-encoding|expect|connection|upgrade|te"))));
    Arbitrary<String> value = Arbitraries.frequencyOf(
        Tuple.of(4, headerValues()),
        Tuple.of(2, Arbitraries.of("Bearer ", "Bearer", "bearer x.y.z", "Bearer a.b", "Basic \u00ff\u0000",
            "sse_token=", "sse_token=a.b.c", "sse_token=\u0000; sse_token=x", "=;=;;", "null", "*")));
    return Combinators.combine(name, value, Arbitraries.of(true, false)).as(HeaderTry::new);
  }

  // ---------------------------------------------------------------- shared checks

  private static void assertCleanOrSuccess(RawHttp.Response r) {
    assertThat(r.status()).as("never a 5xx: %s", r).isLessThan(500);
    if (r.status() >= 400) {
      assertThat(r.isJson()).as("a refusal has a JSON body: %s", r).isTrue();
      assertThat(r.error()).as(r.toString()).isNotBlank();
    } else {
      assertThat(r.status()).as(r.toString()).isEqualTo(200);
    }
  }

  /** The shared stream got exactly one new event since {@code before}: this one, exactly. */
  private static void assertDeliveredOnce(int before, String id, JsonObject sent) {
    List<SseEvent> all = subscriber.readEvents(e -> e.size() > before, Duration.ofSeconds(5));
    Scrape.sleep(5);
    all = subscriber.readEvents(e -> false, Duration.ofMillis(20)); // anything injected would be here by now
    assertThat(all.size()).as("events after publishing %s: %s", sent, all.subList(before, all.size()))
        .isEqualTo(before + 1);
    SseEvent got = all.get(before);
    assertThat(got.id()).isEqualTo(id);
    assertThat(got.event()).isEqualTo(sent.getValue("event") == null ? "message" : sent.getString("event"));
    Object data = sent.getValue("data");
    if (data instanceof String s) {
      assertThat(got.data()).isEqualTo(s.replace("\r\n", "\n").replace('\r', '\n'));
    } else {
      assertThat(Json.decodeValue(got.data())).isEqualTo(data);
    }
  }

  private static RawHttp.Response publish(String topic, String data) {
    return RawHttp.exchange(port, RawHttp.request("POST", "/publish", Map.of(
        "Authorization", "Bearer " + KEY, "Content-Type", "application/json"),
        new JsonObject().put("topic", topic).put("data", data).encode()));
  }

  private static Arbitrary<String> hostileText() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.of(INJECTIONS)),
        Tuple.of(2, Arbitraries.strings().all().ofMaxLength(40)),
        Tuple.of(2, Arbitraries.strings().withCharRange('\u0000', '\u001f').withChars('\u007f', 'a', ' ', ':', '\u2028')
            .ofMaxLength(30)),
        Tuple.of(1, Arbitraries.strings().withCharRange('\u0080', '\u00ff').ofMaxLength(30)));
  }

  private static boolean isSimpleTopic(String t) {
    return t.startsWith("fuzz") && t.length() <= 128 && t.chars().allMatch(c ->
        Character.isLetterOrDigit(c) && c < 128 || "._-:/@=+~".indexOf(c) >= 0);
  }

  /** No unpaired surrogates: the string survives UTF-8 unchanged. */
  private static boolean isWellFormed(String s) {
    return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8).equals(s);
  }

  /** Wire bytes (one char per byte) as strict UTF-8 text; fails on malformed input. */
  private static String strictUtf8(String wire) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(wire.getBytes(StandardCharsets.ISO_8859_1))).toString();
    } catch (CharacterCodingException e) {
      throw new AssertionError("the gateway accepted a body that is not UTF-8: "
          + wire.chars().mapToObj(c -> String.format("%02x", c)).collect(Collectors.joining(" ")));
    }
  }
}

package dev.ssegateway.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.process.RoundRobinProxy;
import dev.ssegateway.testkit.Ports;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Runs every recipe in {@code examples/} as a child process against one real gateway node on a
 * real {@code redis-server}, and checks what it printed: the events in order with their ids, the
 * id it resumed from, the ids publishers got back. Subscribing needs a JWT here (HS256), as in
 * production; publishing uses the publish key or Redis itself.
 *
 * <p>A recipe whose runtime is missing (node, python3, go, Chromium, the npm packages) is skipped
 * with a message that says what to install; {@code .ci/run} installs them all.
 */
@DisplayName("Client recipes in examples/, each run against a real gateway node and redis-server")
class RecipesTest {
  static final String SECRET = "recipes-test-hs256-secret-of-32-bytes-or-more";
  /** The retry: hint the node sends: recipes wait this long before they resume. */
  static final int RETRY_MS = 500;
  static final Duration WAIT = Duration.ofSeconds(20);

  private static RedisServer redis;
  private static Gateways gateways;
  private static GatewayNode node;
  private static String base;
  /** The port of the browser recipe's app server (the page's origin, allowed by CORS). */
  private static int appPort;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    appPort = browserSafePort();
    node = gateways.start(1, redis.url(), Map.of(
        "SSE_HTTP_PORT", Integer.toString(browserSafePort()),
        "SSE_CORS_ORIGINS", "http://app.example.test:" + appPort,
        "SSE_JWT_SECRET", SECRET,
        "SSE_RETRY_MS", Integer.toString(RETRY_MS))).get(0);
    base = "http://127.0.0.1:" + node.port();
  }

  @AfterAll
  static void stop() {
    if (gateways != null) {
      gateways.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"node", "python", "go"})
  @DisplayName("a subscriber starts from a saved id, follows live events, and resumes with Last-Event-ID when the server ends its stream")
  void subscriberResumesWithLastEventId(String language) throws Exception {
    String topic = "resume." + language;
    String url = base + "/events?topic=" + topic;
    switch (language) {
      case "node" -> Runtimes.requireNode();
      case "python" -> Runtimes.requirePython();
      default -> Runtimes.requireGo();
    }
    List<String> command = subscriberCommand(language, url);
    String saved = publish(topic, "zero", null, false); // the id the subscriber saved last time
    String missed = publish(topic, "one", null, false); // published while it was away
    Map<String, String> env = Map.of("SSE_TOKEN", token(topic), "LAST_EVENT_ID", saved, "MAX_EVENTS", "3");
    try (RecipeProcess sub = RecipeProcess.start(language + "-subscribe", dir(language), env, command)) {
      sub.awaitLine(("open last-event-id=" + saved)::equals, WAIT);
      String closing = publish(topic, "two", null, true); // delivered, then the node ends the stream
      // Published well within the RETRY_MS the subscriber waits before it resumes: had it resumed
      // first, the topic's newest event would be the closing one and it would get 204.
      String after = publish(topic, "three", "created", false);
      assertThat(sub.awaitExit(WAIT)).containsExactly(
          "open last-event-id=" + saved,
          "event id=" + missed + " name=message data=one",
          "event id=" + closing + " name=message data=two",
          "end reconnecting in " + RETRY_MS + " ms",
          "open last-event-id=" + closing,
          "event id=" + after + " name=created data=three",
          "stop max events reached");
    }
  }

  @Test
  @DisplayName("when their node crashes, the subscribers reconnect through the load balancer to another node and resume there with Last-Event-ID")
  void subscribersResumeOnAnotherNodeAfterACrash() throws Exception {
    List<String> languages = new ArrayList<>();
    for (String language : List.of("node", "python", "go")) {
      if (subscriberCommand(language, "") != null) {
        languages.add(language);
      }
    }
    Assumptions.assumeFalse(languages.isEmpty(), "Skipped: no runtime for any subscriber recipe");
    Vertx vertx = Vertx.vertx();
    List<RecipeProcess> subscribers = new ArrayList<>();
    try (Gateways pair = new Gateways()) {
      List<GatewayNode> nodes = pair.start(2, redis.url(), Map.of("SSE_JWT_SECRET", SECRET, "SSE_RETRY_MS", Integer.toString(RETRY_MS)));
      GatewayNode doomed = nodes.get(0);
      GatewayNode survivor = nodes.get(1);
      // Round robin over [doomed x3, survivor]: the subscribers, started one by one, all land on
      // the doomed node; their reconnects find only the survivor.
      try (RoundRobinProxy balancer = RoundRobinProxy.start(vertx,
          List.of(doomed.port(), doomed.port(), doomed.port(), survivor.port()))) {
        Map<String, String> before = new HashMap<>();
        for (String language : languages) {
          String topic = "failover." + language;
          RecipeProcess sub = RecipeProcess.start(language + "-failover", dir(language),
              Map.of("SSE_TOKEN", token(topic), "MAX_EVENTS", "2"),
              subscriberCommand(language, "http://127.0.0.1:" + balancer.port() + "/events?topic=" + topic));
          subscribers.add(sub);
          sub.awaitLine("open last-event-id=-"::equals, WAIT);
          before.put(language, publish(survivor.port(), topic, "before")); // reaches it across nodes
          sub.awaitLine(l -> l.startsWith("event "), WAIT);
        }
        assertThat(balancer.acceptedPerBackend()[3]).as("connections to the survivor so far").isZero();
        pair.crash(doomed);
        Map<String, String> after = new HashMap<>();
        for (String language : languages) {
          after.put(language, publish(survivor.port(), "failover." + language, "after")); // while they reconnect
        }
        for (int i = 0; i < languages.size(); i++) {
          String language = languages.get(i);
          List<String> out = subscribers.get(i).awaitExit(WAIT);
          assertThat(out.stream().filter(l -> l.startsWith("event ")).toList()).as(language).containsExactly(
              "event id=" + before.get(language) + " name=message data=before",
              "event id=" + after.get(language) + " name=message data=after");
          assertThat(out).as(language).containsSubsequence(
              "open last-event-id=-",
              "end reconnecting in " + RETRY_MS + " ms",
              "open last-event-id=" + before.get(language),
              "stop max events reached");
        }
        assertThat(balancer.acceptedPerBackend()[3]).as("connections to the survivor").isEqualTo(languages.size());
      }
    } finally {
      subscribers.forEach(RecipeProcess::close);
      Gateways.await(vertx.close());
    }
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"node,http", "node,redis", "python,http", "python,redis", "go,http", "go,redis"})
  @DisplayName("a publisher gets an id back, and subscribers receive the event under that id")
  void publisherDelivers(String language, String transport) throws Exception {
    String topic = "publish." + language + "." + transport;
    String data = new JsonObject().put("from", language).put("over", transport).encode();
    try (RawSseStream stream = RawSseStream.open(node.port(), "/events?topic=" + topic,
        Map.of("Authorization", "Bearer " + token(topic)))) {
      stream.awaitLive(WAIT);
      List<String> out = runPublisher(language, transport, topic, data, "created", 0);
      assertThat(out).hasSize(1);
      assertThat(out.get(0)).startsWith("published id=");
      String id = out.get(0).substring("published id=".length());
      stream.awaitCount(1, WAIT);
      assertThat(stream.events()).containsExactly(new SseEvent(id, "created", data));
    }
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"node,http", "node,redis", "python,http", "python,redis", "go,http", "go,redis"})
  @DisplayName("a publisher refused by the gateway or the script exits non-zero and says why")
  void publisherReportsRefusal(String language, String transport) throws Exception {
    List<String> out = runPublisher(language, transport, "publish.refused", "x", "sse-mine", 1);
    assertThat(String.join("\n", out)).contains(transport.equals("http") ? "reserved_event" : "reserved");
  }

  @Test
  @DisplayName("fetch-event-source sends the header, skips data-less blocks, reconnects with Last-Event-ID when the server ends the stream, and renews an expired token")
  void fetchEventSourceFollowsAcrossServerCloseAndTokenExpiry() {
    Runtimes.requireNodePackage("@microsoft/fetch-event-source");
    String topic = "fes.follow";
    // Valid long enough to open the stream and take the first three events (about 1 s here).
    String expiring = Hs256.token(SECRET, "recipes", 5, List.of(topic));
    Map<String, String> env = Map.of("SSE_TOKEN", expiring, "SSE_TOKEN_RENEWED", token(topic), "MAX_EVENTS", "4");
    try (RecipeProcess fes = RecipeProcess.start("fetch-event-source", dir("node"), env,
        List.of("node", "fetch-event-source.mjs", base + "/events?topic=" + topic))) {
      fes.awaitLine("open 200"::equals, WAIT);
      String one = publish(topic, "one", null, false);
      String closing = publish(topic, "two", null, true);
      String after = publish(topic, "three", "created", false); // before it resumes: see above
      fes.awaitLine("token expired, renewing it"::equals, WAIT);
      String renewed = publish(topic, "four", null, false); // while it renews: replayed on resume
      List<String> out = fes.awaitExit(WAIT);
      assertThat(out.subList(0, out.size() - 1)).containsExactly(
          "open 200",
          "event id=" + one + " name=message data=one",
          "event id=" + closing + " name=message data=two",
          "server closed the stream, reconnecting",
          "open 200",
          "event id=" + after + " name=created data=three",
          "token expired, renewing it",
          "open 200",
          "event id=" + renewed + " name=message data=four",
          "stop max events reached");
      // The ":ok" comment, the retry: line and the opening id-only block of each stream reached
      // onmessage: without the recipe's check they would have been taken for events.
      String skipped = out.get(out.size() - 1);
      assertThat(skipped).matches("skipped \\d+ data-less blocks");
      assertThat(Integer.parseInt(skipped.split(" ")[1])).isGreaterThan(0);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {204, 401, 403})
  @DisplayName("fetch-event-source stops at once on 204, 401 and 403 instead of retrying forever")
  void fetchEventSourceStopsOnFinalAnswers(int status) {
    Runtimes.requireNodePackage("@microsoft/fetch-event-source");
    String topic = "fes.final." + status;
    String token = switch (status) {
      case 401 -> "not-a-token";
      case 403 -> token("some.other.topic");
      default -> token(topic);
    };
    if (status == 204) {
      publish(topic, "the end", null, true); // a topic whose newest event closed it
    }
    try (RecipeProcess fes = RecipeProcess.start("fetch-event-source-" + status, dir("node"),
        Map.of("SSE_TOKEN", token), List.of("node", "fetch-event-source.mjs", base + "/events?topic=" + topic))) {
      List<String> out = fes.awaitExit(WAIT);
      assertThat(out).hasSize(3);
      assertThat(out.get(0)).isEqualTo("open " + status);
      assertThat(out.get(1)).startsWith("stop " + status);
      assertThat(out.get(2)).isEqualTo("skipped 0 data-less blocks");
    }
  }

  @Test
  @DisplayName("a browser EventSource on the app's origin, authenticated by an HttpOnly cookie for the site, follows its topic, renews the cookie when the token expires and resumes from its last id")
  void browserFollowsWithCookieAndRenewsIt() {
    Runtimes.requireBrowser();
    String topic = "orders/42";
    String renewed = Hs256.token(SECRET, "alice", 600, List.of("orders/*"));
    try (RecipeProcess page = browser(topic, renewed, 2)) {
      page.awaitLine("browser ready"::equals, WAIT);
      // Long enough to load the page and open the stream, short enough to see it expire.
      page.send(Hs256.token(SECRET, "alice", 4, List.of("orders/*")));
      page.awaitLine("open last-event-id=-"::equals, WAIT);
      String one = publish(topic, "one", null, false);
      page.awaitLine("token expired, renewing the cookie"::equals, WAIT);
      String two = publish(topic, "two", "created", false); // while it renews: replayed on reopen
      assertThat(withoutDiagnostics(page.awaitExit(WAIT))).containsExactly(
          "browser ready",
          "open last-event-id=-",
          "event id=" + one + " name=message data=one",
          "token expired, renewing the cookie",
          "open last-event-id=" + one,
          "event id=" + two + " name=created data=two",
          "cookie renewed");
    }
  }

  @Test
  @DisplayName("a browser without the cookie is refused, and the recipe says so instead of retrying")
  void browserWithoutCookieIsRefused() {
    Runtimes.requireBrowser();
    try (RecipeProcess page = browser("orders/43", "-", 1)) {
      page.awaitLine("browser ready"::equals, WAIT);
      page.send("-");
      assertThat(withoutDiagnostics(page.awaitExit(WAIT)))
          .containsExactly("browser ready", "stop the gateway refused the stream", "cookie none");
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /**
   * The browser harness: the page on http://app.example.test:APP_PORT, the gateway as
   * http://events.example.test:PORT (Chromium maps both names to 127.0.0.1), the cookie for the
   * site example.test.
   */
  private static RecipeProcess browser(String topic, String renewal, int maxEvents) {
    return RecipeProcess.startInteractive("browser", Runtimes.BROWSER_HARNESS, Map.of(),
        List.of("node", "recipe-browser.mjs", Integer.toString(appPort), "http://events.example.test:" + node.port(),
            "example.test", Runtimes.EXAMPLES.resolve("browser").toString(), topic, renewal, Integer.toString(maxEvents)));
  }

  /** Chromium's console errors, which the harness prints to explain a failure (a refused stream logs one). */
  private static List<String> withoutDiagnostics(List<String> lines) {
    return lines.stream().filter(l -> !l.startsWith("console error ")).toList();
  }

  /** The command that runs a language's subscriber recipe, or null when its runtime is missing. */
  private static List<String> subscriberCommand(String language, String url) throws Exception {
    return switch (language) {
      case "node" -> Runtimes.onPath("node") ? List.of("node", "subscribe.mjs", url) : null;
      case "python" -> Runtimes.onPath("python3") ? List.of("python3", "subscribe.py", url) : null;
      default -> Runtimes.onPath("go") ? List.of(Runtimes.requireGo().resolve("subscribe").toString(), url) : null;
    };
  }

  /** Runs one publisher recipe to its end and returns what it printed. */
  private static List<String> runPublisher(String language, String transport, String topic, String data,
      String event, int expectedExit) throws Exception {
    String target = transport.equals("http") ? base : redis.url();
    List<String> command = new ArrayList<>();
    switch (language) {
      case "node" -> {
        if (transport.equals("redis")) {
          Runtimes.requireNodePackage("redis");
        } else {
          Runtimes.requireNode();
        }
        command.addAll(List.of("node", "publish-" + transport + ".mjs"));
      }
      case "python" -> {
        Runtimes.requirePython();
        command.addAll(List.of("python3", "publish_" + transport + ".py"));
      }
      default -> command.add(Runtimes.requireGo().resolve("publish-" + transport).toString());
    }
    command.addAll(List.of(target, topic, data, event));
    try (RecipeProcess pub = RecipeProcess.start(language + "-publish-" + transport, dir(language),
        Map.of("SSE_PUBLISH_KEY", Gateways.PUBLISH_KEY), command)) {
      List<String> out = pub.awaitExit(WAIT);
      if (expectedExit == 0) {
        assertThat(pub.exitCode()).as("exit code; it printed %s", out).isZero();
      } else {
        assertThat(pub.exitCode()).as("exit code; it printed %s", out).isNotZero();
      }
      return out;
    }
  }

  private static Path dir(String language) {
    return Runtimes.EXAMPLES.resolve(language);
  }

  private static String token(String topic) {
    return Hs256.token(SECRET, "recipes", 600, List.of(topic));
  }

  private static String publish(int port, String topic, String data) {
    return publish(port, topic, data, null, false);
  }

  private static String publish(String topic, String data, String event, boolean close) {
    return publish(node.port(), topic, data, event, close);
  }

  /** Publishes over HTTP with the publish key and returns the event's id. */
  private static String publish(int port, String topic, String data, String event, boolean close) {
    JsonObject body = new JsonObject().put("topic", topic).put("data", data).put("close", close);
    if (event != null) {
      body.put("event", event);
    }
    var response = Http.publish(port, body.encode());
    assertThat(response.statusCode()).as("publish answered %s", response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("id");
  }

  /** A free port Chromium will connect to (it refuses a few "unsafe" ports, 10080 in our range). */
  private static int browserSafePort() {
    int port = Ports.free();
    return port == 10080 ? Ports.free() : port;
  }
}

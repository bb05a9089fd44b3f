package dev.ssegateway.gateway.examples;

import static dev.ssegateway.gateway.examples.RecipeGateway.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Node, Python and Go publisher recipes, over {@code POST /publish} and over the Redis script,
 * each run as a child process: the id it prints is the id subscribers receive the event under,
 * a refusal ends it non-zero with the reason, and a 429 is retried after its Retry-After.
 * See {@link RecipeGateway}.
 */
@DisplayName("Publisher recipes (Node, Python, Go) over HTTP and over the Redis script")
class PublisherRecipesTest {
  private static RecipeGateway gw;
  private static final Gateways limitedGateways = new Gateways();
  private static GatewayNode limited;
  private static final String DRAIN_EVENT = "{\"topic\":\"publish.drain\",\"data\":\"x\"}";

  @BeforeAll
  static void start() {
    gw = RecipeGateway.start();
  }

  @AfterAll
  static void stop() {
    limitedGateways.close();
    if (gw != null) {
      gw.close();
    }
  }

  @ParameterizedTest(name = "{0} over {1}")
  @CsvSource({"node,http", "node,redis", "python,http", "python,redis", "go,http", "go,redis"})
  @DisplayName("a publisher gets an id back, and subscribers receive the event under that id")
  void publisherDelivers(String language, String transport) throws Exception {
    String topic = "publish." + language + "." + transport;
    String data = new JsonObject().put("from", language).put("over", transport).encode();
    try (RawSseStream stream = RawSseStream.open(gw.node().port(), "/events?topic=" + topic,
        Map.of("Authorization", "Bearer " + gw.token(topic)))) {
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"node", "python", "go"})
  @DisplayName("an HTTP publisher over the publish rate waits the Retry-After of each 429 and retries until it gets its id")
  void httpPublisherRetriesAfterRateLimit(String language) throws Exception {
    List<String> command = publisherCommand(language, "http",
        List.of(rateLimitedBase(), "publish.limited." + language, "x", "created"));
    // Another client of the same publish key keeps its bucket (1 publish/s) empty: it takes each
    // token within about a millisecond of its refill, so the recipe's first try meets a 429.
    AtomicBoolean draining = new AtomicBoolean(true);
    AtomicInteger refused = new AtomicInteger();
    Thread drain = new Thread(() -> {
      for (long end = System.nanoTime() + WAIT.toNanos(); draining.get() && System.nanoTime() < end; ) {
        if (Http.publish(limited.port(), DRAIN_EVENT).statusCode() == 429) {
          refused.incrementAndGet();
        }
        LockSupport.parkNanos(1_000_000);
      }
    }, "publish-drain");
    drain.start();
    while (refused.get() == 0) { // the bucket is empty from now on
      assertThat(drain.isAlive()).as("the drain is still running").isTrue(); // it ends after WAIT
      LockSupport.parkNanos(10_000_000);
    }
    try (RecipeProcess pub = RecipeProcess.start(language + "-publish-limited", RecipeGateway.dir(language),
        Map.of("SSE_PUBLISH_KEY", Gateways.PUBLISH_KEY), command)) {
      pub.awaitLine("busy 429, retrying in 1 s"::equals, WAIT);
      draining.set(false); // the bucket refills: one of its next retries goes through
      List<String> out = pub.awaitExit(WAIT);
      assertThat(pub.exitCode()).as("exit code; it printed %s", out).isZero();
      assertThat(out.subList(0, out.size() - 1)).isNotEmpty().allMatch("busy 429, retrying in 1 s"::equals);
      assertThat(out.get(out.size() - 1)).startsWith("published id=");
    } finally {
      draining.set(false);
      drain.join(5000);
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Runs one publisher recipe to its end and returns what it printed. */
  private static List<String> runPublisher(String language, String transport, String topic, String data,
      String event, int expectedExit) throws Exception {
    String target = transport.equals("http") ? gw.base() : gw.redisUrl();
    List<String> command = publisherCommand(language, transport, List.of(target, topic, data, event));
    try (RecipeProcess pub = RecipeProcess.start(language + "-publish-" + transport, RecipeGateway.dir(language),
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

  /** The command that runs a publisher recipe with {@code args}; skips the test if its runtime is missing. */
  private static List<String> publisherCommand(String language, String transport, List<String> args)
      throws Exception {
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
    command.addAll(args);
    return command;
  }

  /** A second node on the same Redis allowing 1 publish per second (started on first use). */
  private static synchronized String rateLimitedBase() {
    if (limited == null) {
      limited = limitedGateways.start(1, gw.redisUrl(), Map.of("SSE_PUBLISH_RATE", "1")).get(0);
    }
    return "http://127.0.0.1:" + limited.port();
  }
}

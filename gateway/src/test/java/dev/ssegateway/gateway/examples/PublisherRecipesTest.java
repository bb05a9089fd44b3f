package dev.ssegateway.gateway.examples;

import static dev.ssegateway.gateway.examples.RecipeGateway.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Node, Python and Go publisher recipes, over {@code POST /publish} and over the Redis script,
 * each run as a child process: the id it prints is the id subscribers receive the event under,
 * and a refusal ends it non-zero with the reason. See {@link RecipeGateway}.
 */
@DisplayName("Publisher recipes (Node, Python, Go) over HTTP and over the Redis script")
class PublisherRecipesTest {
  private static RecipeGateway gw;

  @BeforeAll
  static void start() {
    gw = RecipeGateway.start();
  }

  @AfterAll
  static void stop() {
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

  // --- helpers ---------------------------------------------------------------------------------

  /** Runs one publisher recipe to its end and returns what it printed. */
  private static List<String> runPublisher(String language, String transport, String topic, String data,
      String event, int expectedExit) throws Exception {
    String target = transport.equals("http") ? gw.base() : gw.redisUrl();
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
}

package dev.ssegateway.gateway.examples;

import static dev.ssegateway.gateway.examples.RecipeGateway.RETRY_MS;
import static dev.ssegateway.gateway.examples.RecipeGateway.SECRET;
import static dev.ssegateway.gateway.examples.RecipeGateway.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.process.RoundRobinProxy;
import io.vertx.core.Vertx;
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
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Node, Python and Go subscriber recipes ({@code subscribe} in examples/node, python, go),
 * each run as a child process: they start from a saved id, follow live events, and resume with
 * Last-Event-ID when the server ends the stream or their node crashes. See {@link RecipeGateway}.
 */
@DisplayName("Subscriber recipes (Node, Python, Go) resume with Last-Event-ID")
class SubscriberRecipesTest {
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

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"node", "python", "go"})
  @DisplayName("a subscriber starts from a saved id, follows live events, and resumes with Last-Event-ID when the server ends its stream")
  void subscriberResumesWithLastEventId(String language) throws Exception {
    String topic = "resume." + language;
    String url = gw.base() + "/events?topic=" + topic;
    switch (language) {
      case "node" -> Runtimes.requireNode();
      case "python" -> Runtimes.requirePython();
      default -> Runtimes.requireGo();
    }
    List<String> command = subscriberCommand(language, url);
    String saved = gw.publish(topic, "zero", null, false); // the id the subscriber saved last time
    String missed = gw.publish(topic, "one", null, false); // published while it was away
    Map<String, String> env = Map.of("SSE_TOKEN", gw.token(topic), "LAST_EVENT_ID", saved, "MAX_EVENTS", "3");
    try (RecipeProcess sub = RecipeProcess.start(language + "-subscribe", RecipeGateway.dir(language), env,
        command)) {
      sub.awaitLine(("open last-event-id=" + saved)::equals, WAIT);
      String closing = gw.publish(topic, "two", null, true); // delivered, then the node ends the stream
      // Published well within the RETRY_MS the subscriber waits before it resumes: had it resumed
      // first, the topic's newest event would be the closing one and it would get 204.
      String after = gw.publish(topic, "three", "created", false);
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
      List<GatewayNode> nodes = pair.start(2, gw.redisUrl(),
          Map.of("SSE_JWT_SECRET", SECRET, "SSE_RETRY_MS", Integer.toString(RETRY_MS)));
      GatewayNode doomed = nodes.get(0);
      GatewayNode survivor = nodes.get(1);
      // Round robin over [doomed x3, survivor]: the subscribers, started one by one, all land on
      // the doomed node; their reconnects find only the survivor.
      try (RoundRobinProxy balancer = RoundRobinProxy.start(vertx,
          List.of(doomed.port(), doomed.port(), doomed.port(), survivor.port()))) {
        Map<String, String> before = new HashMap<>();
        for (String language : languages) {
          String topic = "failover." + language;
          RecipeProcess sub = RecipeProcess.start(language + "-failover", RecipeGateway.dir(language),
              Map.of("SSE_TOKEN", gw.token(topic), "MAX_EVENTS", "2"),
              subscriberCommand(language, "http://127.0.0.1:" + balancer.port() + "/events?topic=" + topic));
          subscribers.add(sub);
          sub.awaitLine("open last-event-id=-"::equals, WAIT);
          before.put(language, RecipeGateway.publish(survivor.port(), topic, "before")); // reaches it across nodes
          sub.awaitLine(l -> l.startsWith("event "), WAIT);
        }
        assertThat(balancer.acceptedPerBackend()[3]).as("connections to the survivor so far").isZero();
        pair.crash(doomed);
        Map<String, String> after = new HashMap<>();
        for (String language : languages) {
          // while they reconnect
          after.put(language, RecipeGateway.publish(survivor.port(), "failover." + language, "after"));
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
        // At least one each: a reconnect that races the crash may take a second try (the events
        // above prove that it still resumed exactly once, in order).
        assertThat(balancer.acceptedPerBackend()[3]).as("connections to the survivor")
            .isGreaterThanOrEqualTo(languages.size());
      }
    } finally {
      subscribers.forEach(RecipeProcess::close);
      Gateways.await(vertx.close());
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** The command that runs a language's subscriber recipe, or null when its runtime is missing. */
  private static List<String> subscriberCommand(String language, String url) throws Exception {
    return switch (language) {
      case "node" -> Runtimes.onPath("node") ? List.of("node", "subscribe.mjs", url) : null;
      case "python" -> Runtimes.onPath("python3") ? List.of("python3", "subscribe.py", url) : null;
      default -> Runtimes.onPath("go") ? List.of(Runtimes.requireGo().resolve("subscribe").toString(), url) : null;
    };
  }
}

package dev.ssegateway.loadtest.gatling;

import dev.ssegateway.loadtest.core.Params;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * Connect and hold: ramps {@code users} SSE connections over {@code rampSeconds}, holds each one
 * {@code holdSeconds}, then closes it. Gatling's report gives the connect-time percentiles
 * ("connect" = request to response headers, "open" = to the stream's first block) and failures; the
 * result JSON (same format as the Vert.x injector's) lets the scripts merge several injectors.
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   baseUrls        comma list of gateway base URLs; each user is given one in turn
 *                                                                   [http://127.0.0.1:8080]
 *   sources         comma list of source addresses (http.localAddresses)            [127.0.0.1]
 *   users           connections                                                          [1000]
 *   rampSeconds     ramp duration                                                          [10]
 *   holdSeconds     how long each connection is held after the ramp ends                  [30]
 *   topics          topics; user i subscribes topic i % topics                              [1]
 *   topicPrefix     [lt-]
 *   openTimeoutSeconds  wait for the stream's first block                                 [30]
 *   injector        name in the result file                                         [gatling-1]
 *   resultFile      result JSON                       [target/gatling-connect-and-hold.json]
 * </pre>
 * Run: {@code ./mvnw -pl publisher,loadtest -Pgatling verify -DskipTests
 * -Dgatling.simulationClass=dev.ssegateway.loadtest.gatling.ConnectAndHoldSimulation -Dusers=1000 ...}
 */
public class ConnectAndHoldSimulation extends Simulation {

  static final List<String> BASE_URLS = Params.list("baseUrls", "http://127.0.0.1:8080");
  static final List<String> SOURCES = Params.list("sources", "127.0.0.1");
  static final int USERS = Params.integer("users", 1000);
  static final int RAMP = Params.integer("rampSeconds", 10);
  static final int HOLD = Params.integer("holdSeconds", 30);
  static final int TOPICS = Params.integer("topics", 1);
  static final String TOPIC_PREFIX = Params.str("topicPrefix", "lt-");
  static final int OPEN_TIMEOUT = Params.integer("openTimeoutSeconds", 30);
  static final String INJECTOR = Params.str("injector", "gatling-1");
  static final Path RESULT = Path.of(Params.str("resultFile", "target/gatling-connect-and-hold.json"));

  static final SseAccounting ACCOUNTING = new SseAccounting(TOPIC_PREFIX, TOPICS);
  static volatile long START_MILLIS = System.currentTimeMillis();

  static final HttpProtocolBuilder PROTOCOL = http
      .baseUrls(BASE_URLS)
      .localAddresses(SOURCES)
      .acceptHeader("text/event-stream")
      .sseUnmatchedInboundMessageBufferSize(1000);

  static final ScenarioBuilder HOLDERS = scenario("connect-and-hold")
      .exec(session -> ACCOUNTING.start(session).set("t0", System.nanoTime()))
      .exec(sse("connect").get("/events?topic=#{topic}")
          .await(Duration.ofSeconds(OPEN_TIMEOUT)).on(sse.checkMessage("open").check(regex("retry|id").exists())))
      .doIfOrElse(session -> !session.isFailed())
      .then(exec(session -> ACCOUNTING.opened(session, session.getLong("t0"), true)))
      .orElse(exec(session -> {
        ACCOUNTING.connectFailures.increment();
        return session;
      }))
      .exitHereIfFailed()
      .exec(session -> session.set("holdUntil", System.currentTimeMillis() + HOLD * 1000L
          + Math.max(0, RAMP * 1000L - (System.currentTimeMillis() - START_MILLIS))))
      .asLongAs(session -> System.currentTimeMillis() < session.getLong("holdUntil")).on(
          pause(Duration.ofSeconds(1)),
          sse.processUnmatchedMessages(ACCOUNTING::process))
      .exec(sse("close").close());

  {
    System.out.println("ConnectAndHoldSimulation parameters:\n" + Params.describe());
    setUp(HOLDERS.injectOpen(rampUsers(USERS).during(Duration.ofSeconds(RAMP)))).protocols(PROTOCOL);
  }

  @Override
  public void before() {
    START_MILLIS = System.currentTimeMillis();
  }

  @Override
  public void after() {
    ACCOUNTING.write(INJECTOR, "ConnectAndHold", USERS, RESULT, null);
  }
}

package dev.ssegateway.loadtest.gatling;

import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.Params;
import dev.ssegateway.loadtest.core.Payload;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.io.File;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * Reconnect storm: {@code clients} SSE connections spread over the gateway nodes while a publisher
 * posts {@code rate} events/s; at {@code faultAtSeconds} the fault hook runs {@code faultCommand}
 * (e.g. {@code deploy/local/kill-node.sh 2}, or {@code ... --term} for a drain). Each client that
 * loses its stream waits {@code retryMs} and reconnects to the next node in {@code baseUrls} with its
 * last event id ({@code ?lastEventId=}, as a page would pass it), like EventSource behind a load
 * balancer. Measured: time from the fault to the last successful resume, resume-time percentiles,
 * and lost = 0 / duplicates = 0 per client ({@link SseAccounting}).
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   baseUrls        comma list of node base URLs (or one load balancer)      [http://127.0.0.1:8080]
 *   sources         comma list of source addresses                                  [127.0.0.1]
 *   clients         SSE connections                                                      [1000]
 *   topics / topicPrefix                                                           [1 / storm-]
 *   rampSeconds     client ramp                                                            [10]
 *   publishUrl      node that takes POST /publish (must survive the fault)   [last of baseUrls]
 *   publishKey      bearer key                                          [env SSE_PUBLISH_KEY]
 *   rate            publishes per second (all topics)                                      [10]
 *   faultAtSeconds  when the fault command runs (from the start)           [rampSeconds + 10]
 *   faultCommand    shell command run once (bash -c); empty: no fault                        []
 *   durationSeconds whole run                                             [faultAtSeconds + 40]
 *   retryMs         reconnect delay                                                      [3000]
 *   pollMillis      how often each client drains its buffer and checks its stream         [500]
 *   injector / resultFile / publishFile      [gatling-1 / target/gatling-storm.json / target/gatling-storm-publish.json]
 * </pre>
 */
public class ReconnectStormSimulation extends Simulation {

  static final List<String> BASE_URLS = Params.list("baseUrls", "http://127.0.0.1:8080");
  static final List<String> SOURCES = Params.list("sources", "127.0.0.1");
  static final int CLIENTS = Params.integer("clients", 1000);
  static final int TOPICS = Params.integer("topics", 1);
  static final String TOPIC_PREFIX = Params.str("topicPrefix", "storm-");
  static final int RAMP = Params.integer("rampSeconds", 10);
  static final String PUBLISH_URL = Params.str("publishUrl", BASE_URLS.get(BASE_URLS.size() - 1));
  static final String PUBLISH_KEY = Params.str("publishKey", System.getenv().getOrDefault("SSE_PUBLISH_KEY", ""));
  static final double RATE = Params.dbl("rate", 10);
  static final int FAULT_AT = Params.integer("faultAtSeconds", RAMP + 10);
  static final String FAULT_COMMAND = Params.str("faultCommand", "");
  static final int DURATION = Params.integer("durationSeconds", FAULT_AT + 40);
  static final int RETRY_MS = Params.integer("retryMs", 3000);
  static final int POLL_MS = Params.integer("pollMillis", 500);
  static final String INJECTOR = Params.str("injector", "gatling-1");
  static final Path RESULT = Path.of(Params.str("resultFile", "target/gatling-storm.json"));
  static final Path PUBLISH_RESULT = Path.of(Params.str("publishFile", "target/gatling-storm-publish.json"));

  static final SseAccounting ACCOUNTING = new SseAccounting(TOPIC_PREFIX, TOPICS);
  static final AtomicLong PUBLISH_COUNTER = new AtomicLong();
  static volatile long startMillis = System.currentTimeMillis();

  static final HttpProtocolBuilder CLIENT_PROTOCOL = http
      .localAddresses(SOURCES)
      .acceptHeader("text/event-stream")
      .sseUnmatchedInboundMessageBufferSize(100_000);

  static final HttpProtocolBuilder PUBLISHER_PROTOCOL = http
      .baseUrl(PUBLISH_URL)
      .shareConnections()
      .header("Authorization", "Bearer " + PUBLISH_KEY)
      .contentTypeHeader("application/json");

  static String streamName(Session s) {
    return "stream-" + s.getInt("attempt");
  }

  /** The node for this attempt: the next one in the list after each loss (client-side failover). */
  static String url(Session s) {
    int attempt = s.getInt("attempt");
    String base = BASE_URLS.get((int) Math.floorMod(s.userId() + attempt, BASE_URLS.size()));
    String url = base + "/events?topic=" + s.getString("topic");
    if (s.contains(SseAccounting.LAST_ID)) {
      url += "&lastEventId=" + URLEncoder.encode(s.getString(SseAccounting.LAST_ID), StandardCharsets.UTF_8);
    }
    return url;
  }

  static boolean running() {
    return System.currentTimeMillis() < startMillis + DURATION * 1000L;
  }

  static final ChainBuilder CONNECT = exec(session -> session.set("t0", System.nanoTime()))
      .exec(sse("connect").sseName(ReconnectStormSimulation::streamName).get(ReconnectStormSimulation::url)
          .await(Duration.ofSeconds(10)).on(sse.checkMessage("open").check(regex("retry|id").exists())))
      .exec(session -> {
        boolean first = session.getInt("attempt") == 0;
        if (session.isFailed()) {
          if (first) {
            ACCOUNTING.connectFailures.increment();
          }
          return session.set("open", false);
        }
        return ACCOUNTING.opened(session, session.getLong("t0"), first).set("open", true);
      });

  static final ScenarioBuilder CLIENTS_SCN = scenario("clients")
      .exec(session -> ACCOUNTING.start(session).set("attempt", 0))
      .exec(CONNECT)
      .asLongAs(session -> running()).on(
          pause(Duration.ofMillis(POLL_MS)),
          sse.processUnmatchedMessages(ReconnectStormSimulation::streamName, ACCOUNTING::process),
          // No await: only asks the stream's state. On a closed or crashed stream it fails the session.
          exec(sse("alive").sseName(ReconnectStormSimulation::streamName).setCheck()),
          doIf(session -> session.isFailed()).then(
              exec(session -> {
                Session s = session.markAsSucceeded().remove(streamName(session));
                if (session.getBoolean("open")) {
                  s = ACCOUNTING.lost(s);
                }
                return s.set("attempt", session.getInt("attempt") + 1).set("open", false);
              }),
              pause(Duration.ofMillis(RETRY_MS)),
              exec(CONNECT)))
      .exec(sse.processUnmatchedMessages(ReconnectStormSimulation::streamName, ACCOUNTING::process));

  static final ScenarioBuilder PUBLISHER_SCN = scenario("publisher")
      .exec(session -> {
        int topic = (int) Math.floorMod(PUBLISH_COUNTER.getAndIncrement(), TOPICS);
        String name = TOPIC_PREFIX + topic;
        String body = "{\"topic\":\"" + name + "\",\"data\":\"" + ACCOUNTING.nextPayload(topic, Payload.DEFAULT_SIZE) + "\"}";
        return session.set("pubTopic", name).set("body", body).set("p0", System.nanoTime());
      })
      .exec(http("publish").post("/publish").body(StringBody("#{body}")).check(status().is(200)))
      .exec(session -> {
        ACCOUNTING.publishDone(session.getString("pubTopic"), !session.isFailed(), session.getLong("p0"));
        return session;
      });

  static final ScenarioBuilder FAULT_SCN = scenario("fault")
      .pause(Duration.ofSeconds(FAULT_AT))
      .exec(session -> {
        ACCOUNTING.faultMicros = Micros.now();
        System.out.println("[ReconnectStorm] fault: " + FAULT_COMMAND);
        Thread t = new Thread(() -> {
          try {
            Process p = new ProcessBuilder("bash", "-c", FAULT_COMMAND).inheritIO().directory(new File(".")).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
              p.destroy();
            }
          } catch (Exception e) {
            System.err.println("[ReconnectStorm] fault command failed: " + e);
          }
        }, "fault-hook");
        t.setDaemon(true);
        t.start();
        return session;
      });

  {
    System.out.println("ReconnectStormSimulation parameters:\n" + Params.describe());
    int publishSeconds = Math.max(1, DURATION - RAMP - 10);
    if (FAULT_COMMAND.isBlank()) {
      setUp(
          CLIENTS_SCN.injectOpen(rampUsers(CLIENTS).during(Duration.ofSeconds(RAMP))).protocols(CLIENT_PROTOCOL),
          PUBLISHER_SCN.injectOpen(nothingFor(Duration.ofSeconds(RAMP + 3)),
              constantUsersPerSec(RATE).during(Duration.ofSeconds(publishSeconds))).protocols(PUBLISHER_PROTOCOL));
    } else {
      setUp(
          CLIENTS_SCN.injectOpen(rampUsers(CLIENTS).during(Duration.ofSeconds(RAMP))).protocols(CLIENT_PROTOCOL),
          PUBLISHER_SCN.injectOpen(nothingFor(Duration.ofSeconds(RAMP + 3)),
              constantUsersPerSec(RATE).during(Duration.ofSeconds(publishSeconds))).protocols(PUBLISHER_PROTOCOL),
          FAULT_SCN.injectOpen(atOnceUsers(1)).protocols(PUBLISHER_PROTOCOL));
    }
  }

  @Override
  public void before() {
    startMillis = System.currentTimeMillis();
  }

  @Override
  public void after() {
    ACCOUNTING.write(INJECTOR, "ReconnectStorm", CLIENTS, RESULT, RATE > 0 ? PUBLISH_RESULT : null);
  }
}

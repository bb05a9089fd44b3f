package dev.ssegateway.loadtest.gatling;

import dev.ssegateway.loadtest.core.Params;
import dev.ssegateway.loadtest.core.Payload;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * Fan-out: {@code subscribers} SSE connections over {@code topics} topics while a publisher posts
 * {@code rate} events/s (all topics, round-robin) for {@code publishSeconds}. Each event's data
 * carries its sequence number and publish time; every message is accounted from Gatling's
 * unmatched-message buffer ({@link SseAccounting}): publish-to-delivery latency into an HdrHistogram
 * (Gatling stamps receive times in ms, so the resolution is 1 ms), lost and duplicate events per
 * subscriber. Writes a result JSON (subscribers) and a publish JSON (publisher) that
 * {@code MergeMain} merges with other injectors'.
 *
 * <p>With several injector processes, let exactly one publish ({@code rate > 0}) and give the others
 * {@code rate=0}; start publishing only once every injector holds its streams ({@code publishDelaySeconds}).
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   baseUrls         comma list of gateway base URLs for subscribers      [http://127.0.0.1:8080]
 *   sources          comma list of source addresses                                 [127.0.0.1]
 *   subscribers      SSE connections                                                     [1000]
 *   topics           topics; subscriber i listens to topic i % topics                       [1]
 *   topicPrefix      [lt-]
 *   rampSeconds      subscriber ramp                                                       [10]
 *   publishUrl       base URL of the node that takes POST /publish      [first of baseUrls]
 *   publishKey       bearer key                                         [env SSE_PUBLISH_KEY]
 *   rate             publishes per second, all topics (0: this injector does not publish)  [10]
 *   publishDelaySeconds  wait before publishing                            [rampSeconds + 5]
 *   publishSeconds   publishing duration                                                   [30]
 *   drainSeconds     subscribers stay this long after publishing ends                      [10]
 *   dataBytes        event data size                                                       [60]
 *   pollMillis       how often each subscriber drains its message buffer                 [500]
 *   injector         name in the result file                                      [gatling-1]
 *   resultFile       subscriber result JSON                     [target/gatling-fan-out.json]
 *   publishFile      publisher result JSON              [target/gatling-fan-out-publish.json]
 * </pre>
 */
public class FanOutSimulation extends Simulation {

  static final List<String> BASE_URLS = Params.list("baseUrls", "http://127.0.0.1:8080");
  static final List<String> SOURCES = Params.list("sources", "127.0.0.1");
  static final int SUBSCRIBERS = Params.integer("subscribers", 1000);
  static final int TOPICS = Params.integer("topics", 1);
  static final String TOPIC_PREFIX = Params.str("topicPrefix", "lt-");
  static final int RAMP = Params.integer("rampSeconds", 10);
  static final String PUBLISH_URL = Params.str("publishUrl", BASE_URLS.get(0));
  static final String PUBLISH_KEY = Params.str("publishKey", System.getenv().getOrDefault("SSE_PUBLISH_KEY", ""));
  static final double RATE = Params.dbl("rate", 10);
  static final int PUBLISH_DELAY = Params.integer("publishDelaySeconds", RAMP + 5);
  static final int PUBLISH_SECONDS = Params.integer("publishSeconds", 30);
  static final int DRAIN = Params.integer("drainSeconds", 10);
  static final int DATA_BYTES = Params.integer("dataBytes", Payload.DEFAULT_SIZE);
  static final int POLL_MS = Params.integer("pollMillis", 500);
  static final String INJECTOR = Params.str("injector", "gatling-1");
  static final Path RESULT = Path.of(Params.str("resultFile", "target/gatling-fan-out.json"));
  static final Path PUBLISH_RESULT = Path.of(Params.str("publishFile", "target/gatling-fan-out-publish.json"));

  static final SseAccounting ACCOUNTING = new SseAccounting(TOPIC_PREFIX, TOPICS);
  static final AtomicLong PUBLISH_COUNTER = new AtomicLong();
  static final long END_MILLIS_FROM_START = (PUBLISH_DELAY + PUBLISH_SECONDS + DRAIN) * 1000L;
  static volatile long startMillis = System.currentTimeMillis();

  static final HttpProtocolBuilder SUBSCRIBER_PROTOCOL = http
      .baseUrls(BASE_URLS)
      .localAddresses(SOURCES)
      .acceptHeader("text/event-stream")
      .sseUnmatchedInboundMessageBufferSize(100_000);

  static final HttpProtocolBuilder PUBLISHER_PROTOCOL = http
      .baseUrl(PUBLISH_URL)
      .shareConnections()
      .header("Authorization", "Bearer " + PUBLISH_KEY)
      .contentTypeHeader("application/json");

  static final ScenarioBuilder SUBSCRIBERS_SCN = scenario("subscribers")
      .exec(session -> ACCOUNTING.start(session).set("t0", System.nanoTime()))
      .exec(sse("subscribe").get("/events?topic=#{topic}")
          .await(Duration.ofSeconds(30)).on(sse.checkMessage("open").check(regex("retry|id").exists())))
      .doIfOrElse(session -> !session.isFailed())
      .then(exec(session -> ACCOUNTING.opened(session, session.getLong("t0"), true)))
      .orElse(exec(session -> {
        ACCOUNTING.connectFailures.increment();
        return session;
      }))
      .exitHereIfFailed()
      .asLongAs(session -> System.currentTimeMillis() < startMillis + END_MILLIS_FROM_START).on(
          pause(Duration.ofMillis(POLL_MS)),
          sse.processUnmatchedMessages(ACCOUNTING::process))
      .exec(sse.processUnmatchedMessages(ACCOUNTING::process))
      .exec(sse("close").close());

  static final ScenarioBuilder PUBLISHER_SCN = scenario("publisher")
      .exec(session -> {
        int topic = (int) Math.floorMod(PUBLISH_COUNTER.getAndIncrement(), TOPICS);
        String name = TOPIC_PREFIX + topic;
        String body = "{\"topic\":\"" + name + "\",\"data\":\"" + ACCOUNTING.nextPayload(topic, DATA_BYTES) + "\"}";
        return session.set("pubTopic", name).set("body", body).set("p0", System.nanoTime());
      })
      .exec(http("publish").post("/publish").body(StringBody("#{body}")).check(status().is(200)))
      .exec(session -> {
        ACCOUNTING.publishDone(session.getString("pubTopic"), !session.isFailed(), session.getLong("p0"));
        return session;
      });

  {
    System.out.println("FanOutSimulation parameters:\n" + Params.describe());
    if (RATE > 0) {
      setUp(
          SUBSCRIBERS_SCN.injectOpen(rampUsers(SUBSCRIBERS).during(Duration.ofSeconds(RAMP))).protocols(SUBSCRIBER_PROTOCOL),
          PUBLISHER_SCN.injectOpen(nothingFor(Duration.ofSeconds(PUBLISH_DELAY)),
              constantUsersPerSec(RATE).during(Duration.ofSeconds(PUBLISH_SECONDS))).protocols(PUBLISHER_PROTOCOL));
    } else {
      setUp(SUBSCRIBERS_SCN.injectOpen(rampUsers(SUBSCRIBERS).during(Duration.ofSeconds(RAMP))).protocols(SUBSCRIBER_PROTOCOL));
    }
  }

  @Override
  public void before() {
    startMillis = System.currentTimeMillis();
  }

  @Override
  public void after() {
    ACCOUNTING.write(INJECTOR, "FanOut", SUBSCRIBERS, RESULT, RATE > 0 ? PUBLISH_RESULT : null);
  }
}

package dev.ssegateway.loadtest.gatling;

import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.Params;
import dev.ssegateway.loadtest.core.Payload;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import io.gatling.javaapi.http.HttpProtocolBuilder;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static io.gatling.javaapi.core.CoreDsl.*;
import static io.gatling.javaapi.http.HttpDsl.*;

/**
 * Publish throughput over HTTP: {@code POST /publish} at a rate that rises in steps
 * ({@code startRate}, then {@code + rateStep} each {@code stepSeconds}, {@code steps} times) over
 * shared keep-alive connections. Gatling's report shows the response-time percentiles and the
 * achieved rate of each step; the run fails its assertion when more than 1% of publishes fail.
 * Publishing straight into Redis is measured by {@code LoadPublisher -Dmode=redis -Drates=...}
 * (Gatling has no Redis protocol): see loadtest/publish-throughput.sh.
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   publishUrl   gateway base URL                                        [http://127.0.0.1:8080]
 *   publishKey   bearer key                                            [env SSE_PUBLISH_KEY]
 *   topics / topicPrefix                                                        [10 / pub-]
 *   startRate    first step, publishes/s                                               [500]
 *   rateStep     added each step                                                       [500]
 *   steps        number of steps                                                         [6]
 *   stepSeconds  length of each step                                                    [10]
 *   dataBytes    event data size                                                        [60]
 * </pre>
 */
public class PublishThroughputSimulation extends Simulation {

  static final String PUBLISH_URL = Params.str("publishUrl", "http://127.0.0.1:8080");
  static final String PUBLISH_KEY = Params.str("publishKey", System.getenv().getOrDefault("SSE_PUBLISH_KEY", ""));
  static final int TOPICS = Params.integer("topics", 10);
  static final String TOPIC_PREFIX = Params.str("topicPrefix", "pub-");
  static final double START_RATE = Params.dbl("startRate", 500);
  static final double RATE_STEP = Params.dbl("rateStep", 500);
  static final int STEPS = Params.integer("steps", 6);
  static final int STEP_SECONDS = Params.integer("stepSeconds", 10);
  static final int DATA_BYTES = Params.integer("dataBytes", Payload.DEFAULT_SIZE);

  static final AtomicLong COUNTER = new AtomicLong();

  static final HttpProtocolBuilder PROTOCOL = http
      .baseUrl(PUBLISH_URL)
      .shareConnections()
      .header("Authorization", "Bearer " + PUBLISH_KEY)
      .contentTypeHeader("application/json");

  static final ScenarioBuilder PUBLISH = scenario("publish")
      .exec(session -> {
        long k = COUNTER.getAndIncrement();
        String topic = TOPIC_PREFIX + Math.floorMod(k, TOPICS);
        return session.set("body", "{\"topic\":\"" + topic + "\",\"data\":\""
            + Payload.encode(k / TOPICS + 1, Micros.now(), DATA_BYTES) + "\"}");
      })
      .exec(http("publish").post("/publish").body(StringBody("#{body}")).check(status().is(200)));

  {
    System.out.println("PublishThroughputSimulation parameters:\n" + Params.describe());
    setUp(PUBLISH.injectOpen(incrementUsersPerSec(RATE_STEP).times(STEPS)
        .eachLevelLasting(Duration.ofSeconds(STEP_SECONDS)).startingFrom(START_RATE)))
        .protocols(PROTOCOL)
        .assertions(global().failedRequests().percent().lte(1.0));
  }
}

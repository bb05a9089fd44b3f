package dev.ssegateway.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.publisher.Publisher;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.publisher.cli.PublishCli;
import dev.ssegateway.testkit.RedisServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The gateway's SSE_HISTORY_SIZE and SSE_HISTORY_TTL_MS are the deployment's one history policy:
 * a node writes them into Redis, and the HTTP endpoint, the Java library and the CLI all trim a
 * topic the same way. SSE_HISTORY_TTL_MS=0 means no age limit everywhere.
 */
@DisplayName("One history policy per deployment, set by the gateway, whoever publishes")
class HistoryPolicyDeploymentTest {
  private static RedisServer redis;
  private static Gateways gateways;
  private static GatewayNode node;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    node = gateways.start(1, redis.url(), Map.of("SSE_HISTORY_SIZE", "3", "SSE_HISTORY_TTL_MS", "0")).get(0);
  }

  @AfterAll
  static void stop() {
    gateways.close();
    redis.close();
  }

  @Test
  @DisplayName("HTTP, the Java library and the CLI each keep 3 entries, and the history never expires")
  void everyPublisherFollowsTheNode() throws Exception {
    awaitPolicy();
    for (int i = 0; i < 6; i++) {
      assertThat(Http.publish(node.port(), "{\"topic\":\"by-http\",\"data\":\"e" + i + "\"}").statusCode()).isEqualTo(200);
    }
    try (Publisher publisher = Publisher.connect(redis.url())) {
      for (int i = 0; i < 6; i++) {
        publisher.publish("by-library", null, "e" + i);
      }
    }
    for (int i = 0; i < 6; i++) {
      int status = PublishCli.run(new String[] {"--redis", redis.url(), "--topic", "by-cli", "--data", "e" + i},
          new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()));
      assertThat(status).isZero();
    }
    for (String topic : List.of("by-http", "by-library", "by-cli")) {
      String key = WireFormat.historyKey("sse:", topic);
      assertThat(Resp.call(redis.port(), "XLEN", key)).as(topic).isEqualTo(3L);
      assertThat(Resp.call(redis.port(), "PTTL", key)).as(topic + ": no expiry with SSE_HISTORY_TTL_MS=0").isEqualTo(-1L);
    }
  }

  @Test
  @DisplayName("a Redis restart without persistence loses the policy; the node writes it again when it reconnects")
  void policyRewrittenAfterRedisRestart() throws Exception {
    awaitPolicy();
    redis.restart();
    assertThat(Resp.list(redis.port(), "HMGET", "sse:history-policy", "size", "ttlMs")).as("lost with the restart")
        .containsOnlyNulls();
    awaitPolicy();
  }

  private static void awaitPolicy() throws InterruptedException {
    long deadline = System.nanoTime() + 20_000_000_000L;
    List<Object> policy;
    do {
      policy = Resp.pings(redis.port()) ? Resp.list(redis.port(), "HMGET", "sse:history-policy", "size", "ttlMs") : null;
      if (policy != null && "3".equals(String.valueOf(policy.get(0)))) {
        break;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    assertThat(policy).as("the policy the node wrote").containsExactly("3", "0");
  }
}

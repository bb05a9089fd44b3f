package dev.ssegateway.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.redis.Resp;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Batch publish and Idempotency-Key across two nodes sharing a real redis-server")
class RedisBatchPublishTest extends BatchPublishContract {
  private static RedisServer redis;
  private static Gateways gateways;
  private static List<GatewayNode> nodes;

  @BeforeAll
  static void start() {
    redis = RedisServer.start();
    gateways = new Gateways();
    nodes = gateways.start(2, redis.url(), Map.of("SSE_MAX_BATCH_EVENTS", Integer.toString(MAX_BATCH)));
  }

  @AfterAll
  static void stop() {
    gateways.close();
    redis.close();
  }

  @Test
  @DisplayName("Redis fails one topic of a batch: 503 with the ids published; the retry with the same key publishes only the rest")
  void partialFailureThenRetry() {
    String a = topic();
    String b = topic();
    String key = UUID.randomUUID().toString();
    String body = new JsonArray().add(event(a, "first topic")).add(event(b, "second topic")).encode();
    // A value of the wrong type where b's history stream belongs: its script fails with WRONGTYPE,
    // a Redis error (not the client's), after a's script has run.
    String bHistory = WireFormat.historyKey("sse:", b);
    Resp.call(redis.port(), "SET", bHistory, "not a stream");

    HttpResponse<String> partial = post(port(0), body, key);
    System.out.println("RedisBatchPublishTest partial answer: " + partial.body());
    assertThat(partial.statusCode()).as(partial.body()).isEqualTo(503);
    JsonObject error = new JsonObject(partial.body());
    assertThat(error.getString("error")).isEqualTo("broker_unavailable");
    assertThat(error.getJsonArray("ids").getString(0)).as("topic a was published").isNotNull();
    assertThat(error.getJsonArray("ids").getValue(1)).as("topic b was not").isNull();
    assertThat(partial.headers().firstValue("Retry-After")).hasValue("1");

    Resp.call(redis.port(), "DEL", bHistory);
    HttpResponse<String> retry = post(port(1), body, key);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    List<Object> ids = new JsonObject(retry.body()).getJsonArray("ids").getList();
    assertThat(ids.get(0)).isEqualTo(error.getJsonArray("ids").getString(0));
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).as("b was published by the retry").isEmpty();
    assertThat(kept(a)).as("a is not published twice").containsExactly(ids.get(0) + "=first topic");
    assertThat(kept(b)).containsExactly(ids.get(1) + "=second topic");
  }

  @Override
  protected int port(int i) {
    return nodes.get(i % 2).port();
  }
}

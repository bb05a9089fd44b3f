package dev.ssegateway.gateway.batch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Batches and Idempotency-Key on {@code POST /publish}, end to end over HTTP, whatever the
 * broker. Subclasses start two nodes (or one, twice) that share the broker; {@link #port(int)}
 * alternates between them, so a retry goes to the other node.
 */
abstract class BatchPublishContract {
  static final int MAX_BATCH = 5;

  /** The HTTP port of node {@code i % 2}. */
  protected abstract int port(int i);

  static String topic() {
    return "batch-" + UUID.randomUUID();
  }

  static JsonObject event(String topic, String data) {
    return new JsonObject().put("topic", topic).put("data", data);
  }

  static HttpResponse<String> post(int port, String body, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
        .header("Content-Type", "application/json")
        .header("Authorization", "Bearer " + Gateways.PUBLISH_KEY)
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (key != null) {
      b.header("Idempotency-Key", key);
    }
    return Http.send(b);
  }

  List<String> kept(String topic) {
    HttpResponse<String> r = Http.get(port(0), "/history?topic=" + URLEncoder.encode(topic, StandardCharsets.UTF_8));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getString("id") + "=" + ((JsonObject) e).getString("data")).toList();
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    assertThat(new JsonObject(r.body()).getString("error")).isEqualTo(code);
    assertThat(new JsonObject(r.body()).getString("message")).isNotBlank();
  }

  @Test
  @DisplayName("a JSON array publishes every event and answers their ids in the order given, across topics")
  void batchAnswersIdsInOrder() {
    String a = topic();
    String b = topic();
    JsonArray batch = new JsonArray().add(event(a, "a1")).add(event(b, "b1")).add(event(a, "a2"));
    HttpResponse<String> r = post(port(0), batch.encode(), null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    List<String> ids = new JsonObject(r.body()).getJsonArray("ids").stream().map(Object::toString).toList();
    assertThat(ids).hasSize(3);
    assertThat(kept(a)).containsExactly(ids.get(0) + "=a1", ids.get(2) + "=a2");
    assertThat(kept(b)).containsExactly(ids.get(1) + "=b1");
    assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty();
  }

  @Test
  @DisplayName("one invalid event refuses the whole batch with its index, and nothing is published")
  void invalidEventRefusesAll() {
    String a = topic();
    JsonArray batch = new JsonArray().add(event(a, "ok")).add(event(a, "bad").put("event", "sse-mine"));
    HttpResponse<String> r = post(port(0), batch.encode(), null);
    assertError(r, 400, "reserved_event");
    assertThat(new JsonObject(r.body()).getString("message")).startsWith("events[1]: ");
    assertThat(kept(a)).isEmpty();
  }

  @Test
  @DisplayName("limits: more than SSE_MAX_BATCH_EVENTS is 413 batch_too_large, an empty array 400 empty_batch")
  void batchLimits() {
    String a = topic();
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i <= MAX_BATCH; i++) {
      tooMany.add(event(a, "e" + i));
    }
    assertError(post(port(0), tooMany.encode(), null), 413, "batch_too_large");
    assertError(post(port(0), "[]", null), 400, "empty_batch");
    assertThat(kept(a)).isEmpty();
  }

  @Test
  @DisplayName("a retry with the same Idempotency-Key, on the other node, returns the first call's id and publishes nothing")
  void retryReturnsFirstIds() {
    String a = topic();
    String key = UUID.randomUUID().toString();
    String body = event(a, "once").encode();
    HttpResponse<String> first = post(port(0), body, key);
    HttpResponse<String> retry = post(port(1), body, key);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(200);
    assertThat(retry.statusCode()).as(retry.body()).isEqualTo(200);
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(retry.headers().firstValue("Idempotent-Replayed")).hasValue("true");
    assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
    assertThat(kept(a)).containsExactly(new JsonObject(first.body()).getString("id") + "=once");
  }

  @Test
  @DisplayName("the same key with another body is 422 idempotency_key_reused and publishes nothing, even for new topics")
  void reusedKeyIsRefused() {
    String a = topic();
    String b = topic();
    String key = UUID.randomUUID().toString();
    assertThat(post(port(0), event(a, "first").encode(), key).statusCode()).isEqualTo(200);
    assertError(post(port(1), event(a, "second").encode(), key), 422, "idempotency_key_reused");
    assertError(post(port(0), event(b, "elsewhere").encode(), key), 422, "idempotency_key_reused");
    assertError(post(port(0), new JsonArray().add(event(a, "first")).encode(), key), 422, "idempotency_key_reused");
    assertThat(kept(a)).hasSize(1);
    assertThat(kept(b)).isEmpty();
  }

  @Test
  @DisplayName("an Idempotency-Key that is empty, too long or not visible ASCII is 400 invalid_idempotency_key")
  void invalidKeys() {
    String a = topic();
    assertError(post(port(0), event(a, "x").encode(), "x".repeat(256)), 400, "invalid_idempotency_key");
    assertError(post(port(0), event(a, "x").encode(), "has space"), 400, "invalid_idempotency_key");
    assertThat(kept(a)).isEmpty();
  }

  @Test
  @DisplayName("sixteen racing retries of one batch, spread over both nodes, publish it once and all answer the same ids")
  void racingRetriesPublishOnce() throws Exception {
    String a = topic();
    String b = topic();
    String key = UUID.randomUUID().toString();
    String body = new JsonArray().add(event(a, "1")).add(event(b, "2")).add(event(a, "3")).encode();
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        int port = port(i);
        calls.add(pool.submit((Callable<HttpResponse<String>>) () -> post(port, body, key)));
      }
      List<String> bodies = new ArrayList<>();
      int replayed = 0;
      for (Future<HttpResponse<String>> f : calls) {
        HttpResponse<String> r = f.get();
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        bodies.add(r.body());
        replayed += r.headers().firstValue("Idempotent-Replayed").isPresent() ? 1 : 0;
      }
      assertThat(bodies.stream().distinct().toList()).hasSize(1);
      List<Object> ids = new JsonObject(bodies.get(0)).getJsonArray("ids").getList();
      assertThat(kept(a)).containsExactly(ids.get(0) + "=1", ids.get(2) + "=3");
      assertThat(kept(b)).containsExactly(ids.get(1) + "=2");
      // The first call of each topic publishes; a call racing it may publish one topic and replay the other.
      assertThat(replayed).isBetween(14, 15);
    } finally {
      pool.shutdownNow();
    }
  }
}

package dev.ssegateway.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.testkit.Ports;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the recipe tests run against: one real gateway node on a real {@code redis-server}.
 * Subscribing needs a JWT (HS256), as in production; publishing uses the publish key or Redis
 * itself. The node allows the browser recipe's app origin by CORS, and sends a short retry: hint
 * so that recipes resume quickly.
 */
final class RecipeGateway implements AutoCloseable {
  static final String SECRET = "recipes-test-hs256-secret-of-32-bytes-or-more";
  /** The retry: hint the node sends: recipes wait this long before they resume. */
  static final int RETRY_MS = 500;
  /** The bound on every wait for a recipe. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private final RedisServer redis;
  private final Gateways gateways = new Gateways();
  private final GatewayNode node;
  private final int appPort = browserSafePort();

  private RecipeGateway() {
    redis = RedisServer.start();
    try {
      node = gateways.start(1, redis.url(), Map.of(
          "SSE_HTTP_PORT", Integer.toString(browserSafePort()),
          "SSE_CORS_ORIGINS", "http://app.example.test:" + appPort,
          "SSE_JWT_SECRET", SECRET,
          "SSE_RETRY_MS", Integer.toString(RETRY_MS))).get(0);
    } catch (RuntimeException e) {
      redis.close();
      throw e;
    }
  }

  static RecipeGateway start() {
    return new RecipeGateway();
  }

  GatewayNode node() {
    return node;
  }

  /** {@code http://127.0.0.1:PORT} */
  String base() {
    return "http://127.0.0.1:" + node.port();
  }

  String redisUrl() {
    return redis.url();
  }

  /** The port of the browser recipe's app server (the page's origin, allowed by CORS). */
  int appPort() {
    return appPort;
  }

  /** A token granting subscription to {@code topic}, valid for 10 minutes. */
  String token(String topic) {
    return Hs256.token(SECRET, "recipes", 600, List.of(topic));
  }

  String publish(String topic, String data, String event, boolean close) {
    return publish(node.port(), topic, data, event, close);
  }

  static String publish(int port, String topic, String data) {
    return publish(port, topic, data, null, false);
  }

  /** Publishes over HTTP with the publish key and returns the event's id. */
  static String publish(int port, String topic, String data, String event, boolean close) {
    JsonObject body = new JsonObject().put("topic", topic).put("data", data).put("close", close);
    if (event != null) {
      body.put("event", event);
    }
    var response = Http.publish(port, body.encode());
    assertThat(response.statusCode()).as("publish answered %s", response.body()).isEqualTo(200);
    return new JsonObject(response.body()).getString("id");
  }

  /** The folder of a language's recipes. */
  static Path dir(String language) {
    return Runtimes.EXAMPLES.resolve(language);
  }

  /** A free port Chromium will connect to (it refuses a few "unsafe" ports, 10080 in our range). */
  private static int browserSafePort() {
    int port = Ports.free();
    return port == 10080 ? Ports.free() : port;
  }

  @Override
  public void close() {
    gateways.close();
    redis.close();
  }
}

package dev.ssegateway.gateway.openapi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The OpenAPI document ({@code gateway/src/main/resources/openapi.yaml}, served at
 * {@code GET /openapi.yaml}) against a running node: the document is valid OpenAPI 3.1, lists
 * every route the node registers, and real responses, successes and errors, match it.
 *
 * <p>The node requires tokens except for {@code public/*} topics, so that one node answers both
 * the anonymous successes and the 401/403 refusals.
 */
@DisplayName("openapi.yaml describes what a running node answers")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiContractTest {
  private static final String SECRET = "openapi-test-secret-0123456789-abcdefghij";
  private static final int MAX_DATA = 1024;
  private static Gateways gateways;
  private static Vertx vertx;
  private static int port;
  private static OpenApiDocumentCheck doc;

  @BeforeAll
  static void start() throws Exception {
    gateways = new Gateways();
    GatewayNode node = gateways.startOne(Map.of(
        "SSE_JWT_SECRET", SECRET,
        "SSE_PUBLIC_TOPICS", "public/*",
        "SSE_MAX_DATA_BYTES", Integer.toString(MAX_DATA)));
    port = node.port();
    vertx = Vertx.vertx();
    HttpResponse<String> served = Http.get(port, "/openapi.yaml");
    assertThat(served.statusCode()).isEqualTo(200);
    doc = OpenApiDocumentCheck.load(vertx, served.body());
  }

  @AfterAll
  static void stop() {
    gateways.close();
    vertx.close();
  }

  @Test
  @Order(1)
  @DisplayName("the node serves the repository's file byte for byte, and it is valid OpenAPI 3.1")
  void servedDocumentIsTheRepositoryFile() throws Exception {
    HttpResponse<String> served = Http.get(port, "/openapi.yaml");
    assertThat(served.body()).isEqualTo(Files.readString(Path.of("src/main/resources/openapi.yaml")));
    assertThat(doc.raw().getString("openapi")).startsWith("3.1");
    doc.check("GET", "/openapi.yaml", served);
  }

  @Test
  @Order(2)
  @DisplayName("every route the node registers is described, and nothing else")
  void everyRouteIsDescribed() throws Exception {
    Set<String> routes = new TreeSet<>();
    Pattern route = Pattern.compile("router\\.(get|post|put|delete|patch|head|options)\\(\"([^\"]+)\"\\)");
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        Matcher m = route.matcher(Files.readString(f));
        while (m.find()) {
          routes.add(m.group(1).toUpperCase() + " " + m.group(2));
        }
      }
    }
    assertThat(routes).as("the scan finds routes").contains("GET /events", "POST /publish", "GET /history");
    assertThat(doc.operations()).as("operations in openapi.yaml vs routes in the sources").isEqualTo(routes);
  }

  @Test
  @Order(3)
  @DisplayName("GET /events: the stream, a finished topic, and the refusals")
  void subscribe() throws Exception {
    String topic = "public/" + UUID.randomUUID();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(uri("/events?topic=" + topic)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    String start;
    try (InputStream in = stream.body()) {
      start = readUntilBlankLine(in);
    }
    doc.check("GET", "/events", stream.statusCode(), stream.headers().firstValue("Content-Type").orElse(null), start,
        stream.headers().map());
    assertThat(start).startsWith("retry:");

    String finished = "public/" + UUID.randomUUID();
    assertThat(publish(new JsonObject().put("topic", finished).put("data", "bye").put("close", true), null).statusCode())
        .isEqualTo(200);
    HttpResponse<String> noContent = get("/events?topic=" + finished);
    assertThat(noContent.statusCode()).isEqualTo(204);
    doc.check("GET", "/events", noContent);

    check("GET", "/events", get("/events"), 400);
    check("GET", "/events", get("/events?topic=a%20b"), 400);
    check("GET", "/events", get("/events?topic=private"), 401);
    check("GET", "/events", get("/events?topic=private", "Authorization", "Bearer " + token("other")), 403);
  }

  @Test
  @Order(4)
  @DisplayName("POST /publish: one event, a batch, a replay, and every kind of refusal")
  void publish() {
    String topic = "public/" + UUID.randomUUID();
    check("POST", "/publish", publish(new JsonObject().put("topic", topic).put("data", "one"), null), 200);
    JsonArray batch = new JsonArray().add(new JsonObject().put("topic", topic).put("data", 1))
        .add(new JsonObject().put("topic", "public/other").put("event", "e").put("data", new JsonObject()));
    check("POST", "/publish", publish(batch, null), 200);
    String key = UUID.randomUUID().toString();
    check("POST", "/publish", publish(batch, key), 200);
    HttpResponse<String> replay = publish(batch, key);
    check("POST", "/publish", replay, 200);
    assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");

    check("POST", "/publish", send("/publish", "{", Gateways.PUBLISH_KEY, null), 400);
    check("POST", "/publish", publish(new JsonObject().put("topic", topic).put("data", 1).put("x", 1), null), 400);
    check("POST", "/publish", send("/publish", "[]", Gateways.PUBLISH_KEY, null), 400);
    check("POST", "/publish", publish(new JsonObject().put("topic", topic).put("data", 1), "has space"), 400);
    check("POST", "/publish", send("/publish", "{\"topic\":\"t\",\"data\":1}", null, null), 401);
    check("POST", "/publish", send("/publish", "{\"topic\":\"t\",\"data\":1}", token("x"), null), 403);
    check("POST", "/publish", publish(new JsonObject().put("topic", topic).put("data", "x".repeat(MAX_DATA + 1)), null), 413);
    JsonArray tooMany = new JsonArray();
    for (int i = 0; i < 101; i++) {
      tooMany.add(new JsonObject().put("topic", topic).put("data", i));
    }
    check("POST", "/publish", publish(tooMany, null), 413);
    check("POST", "/publish", publish(new JsonObject().put("topic", topic).put("data", "other"), key), 422);
  }

  @Test
  @Order(5)
  @DisplayName("GET /history: a page, an empty topic, and the refusals")
  void history() {
    String topic = "public/" + UUID.randomUUID();
    publish(new JsonObject().put("topic", topic).put("data", "kept").put("retry", 100), null);
    publish(new JsonObject().put("topic", topic).put("event", "named").put("data", "also").put("close", true), null);
    HttpResponse<String> page = get("/history?topic=" + topic + "&limit=1");
    check("GET", "/history", page, 200);
    assertThat(new JsonObject(page.body()).getBoolean("more")).isTrue();
    check("GET", "/history", get("/history?topic=" + topic + "&after=" + new JsonObject(page.body()).getString("next")), 200);
    check("GET", "/history", get("/history?topic=public/never-" + UUID.randomUUID()), 200);
    check("GET", "/history", get("/history?topic=" + topic + "&limit=0"), 400);
    check("GET", "/history", get("/history?topic=private"), 401);
    check("GET", "/history", get("/history?topic=private", "Authorization", "Bearer " + token("other")), 403);
  }

  @Test
  @Order(5)
  @DisplayName("GET /presence: a public topic, a token's topic, and the refusals")
  void presence() {
    check("GET", "/presence", get("/presence?topic=public/" + UUID.randomUUID()), 200);
    check("GET", "/presence", get("/presence?topic=private", "Authorization", "Bearer " + Gateways.PUBLISH_KEY), 200);
    check("GET", "/presence", get("/presence?topic=public/a&limit=0"), 400);
    check("GET", "/presence", get("/presence?topic=private"), 401);
    check("GET", "/presence", get("/presence?topic=private", "Authorization", "Bearer " + token("other")), 403);
  }

  @Test
  @Order(6)
  @DisplayName("operator and health endpoints, the demo page, and errors of unknown routes")
  void operateAndErrors() {
    check("GET", "/stats", get("/stats", "Authorization", "Bearer " + Gateways.PUBLISH_KEY), 200);
    check("GET", "/metrics", get("/metrics", "Authorization", "Bearer " + Gateways.PUBLISH_KEY), 200);
    check("GET", "/stats", get("/stats"), 401);
    check("GET", "/metrics", get("/metrics", "Authorization", "Bearer wrong-key"), 401);
    check("GET", "/health/live", get("/health/live"), 200);
    check("GET", "/health/ready", get("/health/ready"), 200);
    check("GET", "/", get("/"), 200);
    // Unknown paths and methods answer the shared JSON error (the "default" response of a route).
    HttpResponse<String> notFound = get("/nope");
    assertThat(notFound.statusCode()).isEqualTo(404);
    doc.check("GET", "/health/live", notFound);
    HttpResponse<String> wrongMethod = Http.send(HttpRequest.newBuilder(uri("/history?topic=a"))
        .method("DELETE", HttpRequest.BodyPublishers.noBody()));
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    doc.check("GET", "/history", wrongMethod);
  }

  @Test
  @Order(7)
  @DisplayName("every operation had at least one real response checked")
  void everyOperationExercised() {
    Set<String> exercised = new TreeSet<>();
    doc.validated().forEach(v -> exercised.add(v.split(" ")[0]));
    assertThat(exercised).isEqualTo(doc.operationIds());
    System.out.println("OpenApiContractTest: " + doc.validated().size() + " responses checked: " + doc.validated());
  }

  private static void check(String method, String path, HttpResponse<String> r, int expectedStatus) {
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isEqualTo(expectedStatus);
    doc.check(method, path, r);
  }

  private static URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  private static HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return Http.send(b);
  }

  private static HttpResponse<String> publish(Object body, String idempotencyKey) {
    return send("/publish", body.toString(), Gateways.PUBLISH_KEY, idempotencyKey);
  }

  private static HttpResponse<String> send(String path, String body, String bearer, String idempotencyKey) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    if (idempotencyKey != null) {
      b.header("Idempotency-Key", idempotencyKey);
    }
    return Http.send(b);
  }

  private static String readUntilBlankLine(InputStream in) throws Exception {
    StringBuilder text = new StringBuilder();
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!text.toString().contains("\n\n") && System.nanoTime() < end) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      text.append((char) c);
    }
    return text.toString();
  }

  /** An HS256 JWT that grants subscribing and publishing to {@code topic} only. */
  private static String token(String topic) {
    JsonObject claims = new JsonObject().put("sub", "openapi-test").put("exp", System.currentTimeMillis() / 1000 + 300)
        .put("sse", new JsonObject().put("subscribe", new JsonArray().add(topic)).put("publish", new JsonArray().add(topic)));
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    String input = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

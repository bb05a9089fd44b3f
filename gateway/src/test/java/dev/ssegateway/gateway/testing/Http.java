package dev.ssegateway.gateway.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Plain blocking HTTP calls for tests (publish, stats, health). */
public final class Http {
  private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private Http() {}

  /**
   * GET {@code path}; the operator endpoints (/stats, /metrics) go with the test publish key, which
   * opens them while SSE_ADMIN_KEY is unset, as an operator's scraper would send its credential.
   */
  public static HttpResponse<String> get(int port, String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET();
    if (path.startsWith("/stats") || path.startsWith("/metrics")) {
      b.header("Authorization", "Bearer " + Gateways.PUBLISH_KEY);
    }
    return send(b);
  }

  public static HttpResponse<String> publish(int port, String json) {
    return publish(port, json, Gateways.PUBLISH_KEY);
  }

  public static HttpResponse<String> publish(int port, String json, String key) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return send(b);
  }

  public static HttpResponse<String> send(HttpRequest.Builder builder) {
    try {
      return CLIENT.send(builder.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.gateway.testing.Http;
import java.net.http.HttpResponse;

/** What a test reads from a gateway node over HTTP: readiness and Prometheus counters. */
public final class NodeProbe {
  private NodeProbe() {}

  /** The status of {@code GET /health/ready}: 200 ready, 503 not. */
  public static int readyStatus(int port) {
    return Http.get(port, "/health/ready").statusCode();
  }

  /** Waits until {@code /health/ready} answers {@code status}; returns the ms it took. */
  public static long awaitReady(int port, int status, long timeoutMs) {
    long start = System.currentTimeMillis();
    while (readyStatus(port) != status) {
      if (System.currentTimeMillis() - start > timeoutMs) {
        throw new AssertionError("/health/ready did not answer " + status + " within " + timeoutMs + " ms: "
            + Http.get(port, "/health/ready").body());
      }
      sleep(20);
    }
    return System.currentTimeMillis() - start;
  }

  /** The sum of a metric's samples on {@code GET /metrics} (0 when absent). */
  public static double metric(int port, String name) {
    HttpResponse<String> r = Http.get(port, "/metrics");
    double sum = 0;
    for (String line : r.body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

package dev.ssegateway.gateway.security;

import dev.ssegateway.gateway.testing.Http;
import java.time.Duration;
import java.util.function.DoublePredicate;

/** Reads values from a node's {@code GET /metrics}, as an operator's Prometheus would. */
final class Scrape {
  private Scrape() {}

  /** {@code sse_requests_refused_total{reason=...}}: requests refused with this error code. */
  static double refused(int port, String reason) {
    return value(port, "sse_requests_refused_total", "reason=\"" + reason + "\"");
  }

  /** {@code sse_connections}: open event streams on the node. */
  static double connections(int port) {
    return value(port, "sse_connections", null);
  }

  /** Sum of the samples of {@code name} whose labels contain {@code label} (any when null). */
  static double value(int port, String name, String label) {
    var resp = Http.get(port, "/metrics");
    if (resp.statusCode() != 200) {
      throw new AssertionError("GET /metrics: " + resp.statusCode());
    }
    double sum = 0;
    for (String line : resp.body().split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        if (label == null || line.contains(label)) {
          sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
        }
      }
    }
    return sum;
  }

  /** Polls {@link #connections} until it matches, failing after {@code timeout}. */
  static void awaitConnections(int port, DoublePredicate expected, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    double last;
    do {
      last = connections(port);
      if (expected.test(last)) {
        return;
      }
      sleep(25);
    } while (System.nanoTime() < end);
    throw new AssertionError("sse_connections stayed at " + last + " for " + timeout);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}

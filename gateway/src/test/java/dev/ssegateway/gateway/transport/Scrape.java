package dev.ssegateway.gateway.transport;

import dev.ssegateway.gateway.testing.Http;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads one figure from a node's {@code GET /metrics} (Prometheus text), as an operator would. */
final class Scrape {
  private Scrape() {}

  /**
   * The value of the first sample named {@code name} whose labels contain {@code labelFragment}
   * (e.g. {@code reason="slow_consumer"}; empty for any); 0 when there is none.
   */
  static double value(int port, String name, String labelFragment) {
    String text = Http.get(port, "/metrics").body();
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(text);
    while (m.find()) {
      if (m.group(1).contains(labelFragment)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }

  static long slowClientDisconnects(int port) {
    return (long) value(port, "sse_slow_client_disconnects_total", "");
  }

  static long disconnects(int port, String reason) {
    return (long) value(port, "sse_disconnects_total", "reason=\"" + reason + "\"");
  }

  static long connections(int port) {
    return (long) value(port, "sse_connections", "");
  }
}

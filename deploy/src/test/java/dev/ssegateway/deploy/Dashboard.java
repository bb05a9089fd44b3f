package dev.ssegateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard shipped in the chart. */
final class Dashboard {
  private Dashboard() {}

  static Path file() {
    return Chart.chartDir().resolve("dashboards/sse-gateway.json");
  }

  static JsonNode json() {
    try {
      return new ObjectMapper().readTree(file().toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every PromQL expression of every panel. */
  static List<String> expressions() {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : json().path("panels")) {
      for (JsonNode t : panel.path("targets")) {
        out.add(t.path("expr").asText());
      }
    }
    return out;
  }

  private static final Pattern METRIC = Pattern.compile("\\b(sse_[a-z0-9_]+|jvm_[a-z0-9_]+|process_[a-z0-9_]+)\\b");

  /** Metric names used in the expressions (sse_*, jvm_*, process_*). */
  static Set<String> metricNames() {
    Set<String> names = new TreeSet<>();
    for (String e : expressions()) {
      Matcher m = METRIC.matcher(e);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }
}

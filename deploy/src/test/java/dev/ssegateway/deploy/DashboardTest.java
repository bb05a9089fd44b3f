package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Grafana dashboard")
class DashboardTest {

  @Test
  @DisplayName("is a dashboard whose panels all query Prometheus, with unique ids and no overlap")
  void wellFormed() {
    JsonNode d = Dashboard.json();
    assertThat(d.path("title").asText()).isNotBlank();
    assertThat(d.path("uid").asText()).isEqualTo("sse-gateway");
    Set<Integer> ids = new HashSet<>();
    Set<String> cells = new HashSet<>();
    for (JsonNode p : d.path("panels")) {
      assertThat(ids.add(p.path("id").asInt())).as("unique panel id %s", p.path("id")).isTrue();
      JsonNode g = p.path("gridPos");
      assertThat(g.path("x").asInt() + g.path("w").asInt()).as("panel %s fits 24 columns", p.path("title")).isLessThanOrEqualTo(24);
      for (int x = g.path("x").asInt(); x < g.path("x").asInt() + g.path("w").asInt(); x++) {
        for (int y = g.path("y").asInt(); y < g.path("y").asInt() + g.path("h").asInt(); y++) {
          assertThat(cells.add(x + "," + y)).as("panel %s overlaps another", p.path("title")).isTrue();
        }
      }
      if (!"row".equals(p.path("type").asText())) {
        assertThat(p.path("targets").size()).as("panel %s has queries", p.path("title")).isPositive();
        assertThat(p.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
    assertThat(Dashboard.expressions()).allSatisfy(e -> {
      assertThat(e).isNotBlank();
      assertThat(e.chars().filter(c -> c == '(').count()).as("balanced parentheses in %s", e)
          .isEqualTo(e.chars().filter(c -> c == ')').count());
      assertThat(e.chars().filter(c -> c == '{').count()).as("balanced braces in %s", e)
          .isEqualTo(e.chars().filter(c -> c == '}').count());
    });
  }

  @Test
  @DisplayName("uses every gateway metric, and only known ones; counters through rate or increase")
  void usesTheGatewayMetrics() {
    Set<String> sse = new HashSet<>();
    Dashboard.metricNames().stream().filter(n -> n.startsWith("sse_")).forEach(sse::add);
    assertThat(sse).containsExactlyInAnyOrderElementsOf(GatewayMetrics.ALL);
    for (String e : Dashboard.expressions()) {
      for (String counter : GatewayMetrics.ALL) {
        if (counter.endsWith("_total") && e.contains(counter)) {
          assertThat(e).as("counter %s is read as a rate", counter).containsPattern("(rate|increase)\\(" + counter);
        }
      }
    }
  }

  @Test
  @DisplayName("is shipped verbatim in the chart's optional ConfigMap")
  void shippedInConfigMap() throws Exception {
    Chart.Manifests m = Chart.render(null, "grafanaDashboard.enabled", true);
    Map<String, Object> cm = m.byName("ConfigMap", "sse-sse-gateway-dashboard");
    assertThat(cm).isNotNull();
    assertThat(Y.str(cm, "metadata.labels.grafana_dashboard")).isEqualTo("1");
    assertThat(Y.str(cm, "data.sse-gateway\\.json").strip())
        .isEqualTo(Files.readString(Dashboard.file()).strip());
    assertThat(Chart.render(null).byName("ConfigMap", "sse-sse-gateway-dashboard")).isNull();
  }
}

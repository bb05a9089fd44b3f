package dev.ssegateway.loadtest.core;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultMergerTest {

  private static InjectorResult injector(long subs, long accepted, long dups, long... latenciesUs) {
    InjectorResult r = new InjectorResult();
    r.tool = "vertx-injector";
    r.connectionsTarget = subs;
    r.connected = subs;
    r.everConnected = subs;
    r.subscribers.put("t-0", subs);
    r.accepted.put("t-0", accepted);
    r.duplicates = dups;
    Histogram h = Histograms.newMicros();
    for (long l : latenciesUs) {
      h.recordValue(l);
    }
    r.latencyUs = Histograms.encode(h);
    return r;
  }

  @Test
  @DisplayName("histograms of several injectors are added, so percentiles cover every delivery")
  void mergesHistograms() {
    PublishResult p = new PublishResult();
    p.published.put("t-0", 2L);
    Map<String, Object> m = ResultMerger.merge(List.of(p),
        List.of(injector(1, 2, 0, 1_000, 2_000), injector(1, 2, 0, 3_000, 100_000)));
    @SuppressWarnings("unchecked")
    Map<String, Object> lat = (Map<String, Object>) m.get("latencyMs");
    assertThat(lat.get("count")).isEqualTo(4L);
    assertThat((double) lat.get("max")).isBetween(99.9, 100.1);
    assertThat((double) lat.get("p50")).isBetween(1.99, 2.01);
    assertThat(m.get("expectedDeliveries")).isEqualTo(4L);
    assertThat(m.get("delivered")).isEqualTo(4L);
    assertThat(m.get("lost")).isEqualTo(0L);
    assertThat(m.get("deliveredPercent")).isEqualTo(100.0);
  }

  @Test
  @DisplayName("lost events are expected minus first deliveries per topic; duplicates are summed")
  void countsLossAndDuplicates() {
    PublishResult p = new PublishResult();
    p.published.put("t-0", 10L);
    Map<String, Object> m = ResultMerger.merge(List.of(p), List.of(injector(3, 28, 1), injector(2, 20, 2)));
    assertThat(m.get("expectedDeliveries")).isEqualTo(50L);
    assertThat(m.get("delivered")).isEqualTo(48L);
    assertThat(m.get("lost")).isEqualTo(2L);
    assertThat(m.get("duplicates")).isEqualTo(3L);
  }

  @Test
  @DisplayName("result files round-trip through JSON")
  void roundTripsJson(@TempDir Path dir) {
    InjectorResult r = injector(5, 50, 0, 1234);
    Json.write(dir.resolve("r.json"), r);
    InjectorResult back = Json.read(dir.resolve("r.json"), InjectorResult.class);
    assertThat(back.subscribers).containsEntry("t-0", 5L);
    assertThat(Histograms.decode(back.latencyUs).getTotalCount()).isEqualTo(1);
  }
}

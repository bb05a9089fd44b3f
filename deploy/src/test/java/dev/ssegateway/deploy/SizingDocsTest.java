package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The image, the chart, the compose file and the deploy guide size a pod the same way. */
@DisplayName("Sizing: image, chart, compose and deploy guide agree")
class SizingDocsTest {

  private static double percent(String text) {
    Matcher m = Pattern.compile("-XX:MaxRAMPercentage=([0-9.]+)").matcher(text);
    assertThat(m.find()).as("-XX:MaxRAMPercentage in %s", text).isTrue();
    return Double.parseDouble(m.group(1));
  }

  @Test
  @DisplayName("heap share and connections per pod: one value everywhere, stated in the deploy guide")
  void oneSizingEverywhere() throws Exception {
    double chart = Double.parseDouble(String.valueOf(Y.get(Chart.values(null), "jvm.maxRamPercentage")));
    String memory = Y.str(Chart.values(null), "resources.limits.memory");
    int target = Integer.parseInt(Y.str(Chart.values(null), "autoscaling.connections.averageValue"));
    assertThat(percent(Dockerfile.load().runtime("ENV").args())).as("image JDK_JAVA_OPTIONS").isEqualTo(chart);
    String compose = Files.readString(Chart.repoRoot().resolve("deploy/compose/compose.yaml"));
    assertThat(percent(compose)).as("compose JDK_JAVA_OPTIONS").isEqualTo(chart);
    assertThat(compose).contains("mem_limit: " + memory.replace("Gi", "g"));

    String guide = Files.readString(Chart.repoRoot().resolve("deploy/README.md"));
    assertThat(guide)
        .contains(String.format(Locale.ROOT, "heap %d %%", (int) chart))
        .contains("`jvm.maxRamPercentage` (" + (int) chart + ")")
        .contains(String.format(Locale.ROOT, "`autoscaling.connections.averageValue` (%,d)", target))
        .contains("memory limit of " + memory.replace("Gi", " GiB"));
  }
}

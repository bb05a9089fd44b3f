package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("helm lint --strict")
class ChartLintTest {

  @Test
  @DisplayName("the chart passes strict lint with its default values")
  void chartPassesStrictLint() {
    LintResult result = new Helm(Chart.chartDir()).lint().strict().call();
    assertThat(result.isFailed())
        .as("lint messages: %s", String.join("\n", result.getMessages()))
        .isFalse();
    assertThat(result.getMessages())
        .as("strict lint reports no warning")
        .noneMatch(m -> m.contains("[WARNING]") || m.contains("[ERROR]"));
  }
}

package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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

  @Test
  @DisplayName("values.yaml documents every value with a `# --` comment (helm-docs style)")
  void everyValueIsDocumented() throws Exception {
    List<String> lines = Files.readAllLines(Chart.chartDir().resolve("values.yaml"));
    Pattern key = Pattern.compile("^(\\s*)([A-Za-z0-9_.-]+):(.*)$");
    record Level(int indent, boolean documented) {}
    Deque<Level> stack = new ArrayDeque<>();
    List<String> undocumented = new ArrayList<>();
    int keys = 0;
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = key.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      keys++;
      int indent = m.group(1).length();
      while (!stack.isEmpty() && stack.peek().indent() >= indent) {
        stack.pop();
      }
      boolean inherited = stack.stream().anyMatch(Level::documented);
      int j = i - 1;
      while (j >= 0 && lines.get(j).strip().startsWith("#") && !lines.get(j).strip().startsWith("# --")) {
        j--;
      }
      boolean documented = j >= 0 && lines.get(j).strip().startsWith("# --") && j < i;
      int next = i + 1;
      while (next < lines.size() && (lines.get(next).isBlank() || lines.get(next).strip().startsWith("#"))) {
        next++;
      }
      boolean parent = m.group(3).isBlank() && next < lines.size()
          && key.matcher(lines.get(next)).matches()
          && lines.get(next).indexOf(lines.get(next).strip()) > indent;
      if (!documented && !inherited && !parent) {
        undocumented.add((i + 1) + ": " + lines.get(i).strip());
      }
      stack.push(new Level(indent, documented || inherited));
    }
    assertThat(keys).isGreaterThan(50);
    assertThat(undocumented).as("values without a `# --` comment").isEmpty();
  }
}

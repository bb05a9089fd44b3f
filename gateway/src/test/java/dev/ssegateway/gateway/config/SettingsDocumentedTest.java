package dev.ssegateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("The README documents every setting")
class SettingsDocumentedTest {

  @Test
  @DisplayName("each setting has a row in the README's settings table with its default")
  void everySettingHasARowWithItsDefault() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "README.md"));
    for (Setting s : Setting.values()) {
      String row = lines.stream().filter(l -> l.startsWith("| `" + s.env() + "` |")).findFirst().orElse(null);
      assertThat(row).as("README row for %s", s.env()).isNotNull();
      if (s.defaultValue() != null) {
        assertThat(row).as("README default of %s", s.env()).contains("| `" + s.defaultValue() + "` |");
      }
    }
  }

  @Test
  @DisplayName("the README lists no setting the gateway does not have")
  void noStaleRows() throws Exception {
    List<String> documented = Files.readAllLines(Path.of("..", "README.md")).stream()
        .filter(l -> l.startsWith("| `SSE_"))
        .map(l -> l.substring(3, l.indexOf('`', 3)))
        .toList();
    List<String> known = java.util.Arrays.stream(Setting.values()).map(Setting::env).toList();
    assertThat(known).containsAll(documented);
  }
}

package dev.ssegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scans the gateway's and the publisher library's sources for every error code they can answer
 * with, and checks that each one has a row in one of the README's error tables.
 */
@DisplayName("Every error code the gateway can send is in the README's error tables")
class ErrorCodesDocumentedTest {
  /**
   * The places a code is written: ErrorResponses.send(response, status, "code", ...),
   * refuse(ctx, status, "code", ...), new AccessDenied(status, "code", ...),
   * new InvalidInputException(status, "code", ...), InvalidInputException.badRequest/tooLarge("code", ...),
   * a local {@code code = "..."}, and PublishKey's returned codes.
   */
  private static final Pattern CODE = Pattern.compile(
      "(?:send\\([^,]+,\\s*\\d+,\\s*|refuse\\([^,]+,\\s*\\d+,\\s*|AccessDenied\\(\\d+,\\s*"
          + "|InvalidInputException\\(\\d+,\\s*|badRequest\\(|tooLarge\\(|\\bcode = |return )\"([a-z]+(?:_[a-z]+)+)\"");
  /** Codes only the Java library's own checks raise; no gateway path calls them. */
  private static final Set<String> LIBRARY_ONLY = Set.of("invalid_id");

  @Test
  @DisplayName("each code in the sources has a README table row")
  void everyCodeDocumented() throws IOException {
    Set<String> codes = codesInSources();
    assertThat(codes).as("the scan finds the codes at all").contains("invalid_json", "not_found", "missing_token",
        "too_many_connections", "broker_unavailable", "request_line_too_long", "missing_credentials");
    List<String> tableRows = Files.readAllLines(Path.of("..", "README.md")).stream()
        .filter(l -> l.startsWith("| ") && l.matches("\\| [0-9 /]+ \\|.*"))
        .toList();
    Set<String> undocumented = new TreeSet<>();
    for (String code : codes) {
      if (!LIBRARY_ONLY.contains(code) && tableRows.stream().noneMatch(r -> r.contains("`" + code + "`"))) {
        undocumented.add(code);
      }
    }
    assertThat(undocumented).as("codes without a README error-table row").isEmpty();
  }

  private static Set<String> codesInSources() throws IOException {
    Set<String> codes = new TreeSet<>();
    for (Path root : List.of(Path.of("src/main/java"), Path.of("../publisher/src/main/java"))) {
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
          Matcher m = CODE.matcher(Files.readString(f));
          while (m.find()) {
            codes.add(m.group(1));
          }
        }
      }
    }
    return codes;
  }
}

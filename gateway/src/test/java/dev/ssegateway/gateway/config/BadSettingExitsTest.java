package dev.ssegateway.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.process.GatewayProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The real process (Main, as the jar runs it) with one bad setting: it exits with status 2 and
 * prints exactly one line, without opening its port. The time from launch to exit (JVM start
 * included) is printed, not asserted.
 */
@DisplayName("A node started with a bad setting exits with status 2 and one line")
class BadSettingExitsTest {
  private static final Path LOGS = Path.of("target", "bad-setting-logs");

  static Stream<Arguments> badSettings() {
    return Stream.of(
        Arguments.of("SSE_JWT_PUBLIC_KEY_FILE", "/nonexistent.pem", "'/nonexistent.pem' does not exist or is not a file"),
        Arguments.of("SSE_REDIS_URL", "localhost:6379", "'localhost:6379' has no redis:// or rediss:// scheme"),
        Arguments.of("SSE_LOG_FORMAT", "xml", "'xml' is not a known value; accepted: text, json"),
        Arguments.of("SSE_JWT_SECRET", "x", "the secret is 1 bytes long; accepted: at least 32 bytes"),
        Arguments.of("SSE_CORS_ORIGINS", "*", "'*' is a wildcard"));
  }

  @ParameterizedTest(name = "{0}={1}")
  @MethodSource("badSettings")
  void exitsWithOneLine(String variable, String value, String problem) throws Exception {
    int port = Gateways.freePort();
    Map<String, String> env = new HashMap<>(Map.of("SSE_NODE_ID", "bad-" + variable.toLowerCase(),
        "SSE_HTTP_PORT", Integer.toString(port), variable, value));
    Files.deleteIfExists(LOGS.resolve(env.get("SSE_NODE_ID") + ".log")); // the log is appended to across runs
    long start = System.nanoTime();
    try (GatewayProcess node = GatewayProcess.launch(env, LOGS)) {
      Integer status = node.exitStatusWithin(Duration.ofSeconds(30));
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      List<String> output = Files.readAllLines(node.logFile()).stream().filter(l -> !l.startsWith("---- ")).toList();
      System.out.printf("bad setting %s=%s: exit %s after %d ms (JVM start included): %s%n",
          variable, value, status, tookMs, output);
      assertThat(status).as("exit status; output %s", output).isEqualTo(2);
      assertThat(output).as("exactly one line").hasSize(1);
      assertThat(output.get(0)).isEqualTo("sse-gateway: invalid setting " + variable + ": " + output.get(0)
          .substring(("sse-gateway: invalid setting " + variable + ": ").length())).contains(problem);
    }
  }

  @Test
  @DisplayName("a failure during start (JWKS unreachable) exits with status 1 and says why, without waiting out a timeout")
  void startFailureExitsPromptly() throws Exception {
    Map<String, String> env = Map.of("SSE_NODE_ID", "bad-start", "SSE_HTTP_PORT", Integer.toString(Gateways.freePort()),
        "SSE_CLUSTER_PORT", Integer.toString(Gateways.freePort()), "SSE_JWT_JWKS_URL", "http://127.0.0.1:1/jwks");
    Files.deleteIfExists(LOGS.resolve("bad-start.log"));
    long start = System.nanoTime();
    try (GatewayProcess node = GatewayProcess.launch(env, LOGS)) {
      // Before the fix the start future never completed and Main gave up after its 120 s timeout.
      Integer status = node.exitStatusWithin(Duration.ofSeconds(60));
      System.out.printf("start failure: exit %s after %d ms%n", status, (System.nanoTime() - start) / 1_000_000);
      assertThat(status).as("exit status; log %s", node.logTail(5)).isEqualTo(1);
      assertThat(node.logTail(3)).contains("sse-gateway failed to start: ").contains("Connection refused");
    }
  }
}

package dev.ssegateway.gateway.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.process.GatewayProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** What an orchestrator and a log collector see of a node process, from start to SIGTERM. */
@DisplayName("A node process: JSON logs a collector can read, and exit status 0 after a finished drain")
class ProcessLifecycleTest {
  private static final Path LOGS = Path.of("target", "lifecycle-logs");

  @Test
  @DisplayName("with SSE_LOG_FORMAT=json every line is one JSON object whose message is the formatted text")
  void jsonLogsAndCleanExit() throws Exception {
    Map<String, String> env = Map.of("SSE_NODE_ID", "lifecycle-json", "SSE_HTTP_HOST", "127.0.0.1",
        "SSE_HTTP_PORT", Integer.toString(Gateways.freePort()), "SSE_CLUSTER_PORT", Integer.toString(Gateways.freePort()),
        "SSE_LOG_FORMAT", "json", "SSE_DRAIN_MS", "1000", "SSE_PUBLISH_KEY", Gateways.PUBLISH_KEY);
    Files.deleteIfExists(LOGS.resolve("lifecycle-json.log"));
    try (GatewayProcess node = GatewayProcess.start(env, LOGS)) {
      Duration took = node.sigterm(Duration.ofSeconds(20));
      System.out.println("[lifecycle] SIGTERM to exit " + took.toMillis() + " ms, exit status " + node.exitValue());
      assertThat(node.exitValue()).as("a drain that finished exits 0 (143 reads as a failure to Kubernetes)").isZero();
    }
    List<String> lines = Files.readAllLines(LOGS.resolve("lifecycle-json.log")).stream()
        .filter(l -> l.startsWith("{")).toList();
    assertThat(lines).as("JSON log lines").isNotEmpty();
    List<String> messages = lines.stream().map(l -> new JsonObject(l).getString("formattedMessage")).toList();
    assertThat(messages).as("formatted messages").doesNotContainNull()
        .anyMatch(m -> m.contains("ready on http://"))
        .noneMatch(m -> m.contains("{}"));
  }
}

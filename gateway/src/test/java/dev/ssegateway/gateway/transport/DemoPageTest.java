package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The README's promise: open http://localhost:8080/ and the page is subscribed to "demo" already. */
@DisplayName("The demo page subscribes on load")
class DemoPageTest {

  @Test
  @DisplayName("without a click it holds a stream on topic demo and shows a published event")
  void subscribesOnLoad() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(BrowserStreamsTest.CHROMIUM), "Skipped: no " + BrowserStreamsTest.CHROMIUM);
    Assumptions.assumeTrue(Files.isDirectory(BrowserStreamsTest.SCRIPT_DIR.resolve("node_modules/playwright-core")),
        "Skipped: playwright-core is not installed (.ci/run runs npm ci in src/test/js)");
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next()));
      Process p = new ProcessBuilder("node", "demo-page.mjs", "http://127.0.0.1:" + node.port() + "/")
          .directory(BrowserStreamsTest.SCRIPT_DIR.toFile())
          .redirectError(ProcessBuilder.Redirect.INHERIT)
          .start();
      try {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        JsonObject subscribed = phase(out);
        assertThat(subscribed.getString("status")).as("the page's status badge").isEqualTo("connected");
        assertThat(node.metrics().connections()).as("streams the node holds").isEqualTo(1);
        String data = "hello from the quick start";
        assertThat(Http.publish(node.port(), new JsonObject().put("topic", "demo").put("data", data).encode())
            .statusCode()).isEqualTo(200);
        OutputStream in = p.getOutputStream();
        in.write(("published " + data + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        assertThat(phase(out).getBoolean("shown")).as("the event in the page's log").isTrue();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        p.destroyForcibly();
      }
    }
  }

  private static JsonObject phase(BufferedReader out) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
          if (l.startsWith("{")) {
            return new JsonObject(l);
          }
        }
        throw new IllegalStateException("the page script ended early");
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
    }).get(60, TimeUnit.SECONDS);
  }
}

package dev.ssegateway.gateway.transport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser: headless Debian Chromium driven by playwright-core ({@code src/test/js}), one page
 * opening ten EventSources to one gateway origin. Over HTTP/2 all ten open and receive; over
 * HTTP/1.1 the browser allows six connections per origin, so six open and four wait. Nothing is
 * installed here: {@code .ci/run} installs Chromium and playwright-core; without them the test
 * is skipped, saying what is missing.
 */
@DisplayName("A browser page with ten EventSources")
class BrowserStreamsTest {
  static final Path SCRIPT_DIR = Path.of("src/test/js");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final int STREAMS = 10;

  @TempDir
  static Path dir;
  private static Vertx clientVertx;

  @BeforeAll
  static void checkTools() {
    Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
        "Skipped: " + CHROMIUM + " is missing (.ci/run installs Debian's chromium)");
    Assumptions.assumeTrue(Files.isDirectory(SCRIPT_DIR.resolve("node_modules/playwright-core")),
        "Skipped: " + SCRIPT_DIR.toAbsolutePath() + "/node_modules/playwright-core is missing"
            + " (.ci/run runs npm ci there)");
    Assumptions.assumeTrue(onPath("node"), "Skipped: node is not on the PATH");
    clientVertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    if (clientVertx != null) {
      Gateways.await(clientVertx.close());
    }
  }

  @Test
  @DisplayName("over HTTPS (h2 through ALPN) all ten open on one connection and every one receives its event")
  void allTenStreamsOpenOverHttp2() throws Exception {
    SelfSignedCert cert = SelfSignedCert.create(dir);
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next(),
          "SSE_TLS_CERT", cert.certPem().toString(), "SSE_TLS_KEY", cert.keyPem().toString()));
      HttpClient publisher = clientVertx.createHttpClient(
          new HttpClientOptions().setSsl(true).setTrustAll(true).setVerifyHost(false));
      Result r = runPage(node, "https://127.0.0.1:" + node.port() + "/health/live",
          topic -> StreamRecorder.publish(publisher, node.port(), topic, "hello " + topic, Gateways.PUBLISH_KEY));
      System.out.printf("HTTP/2 (%s): %d of %d EventSources open, %d pending, %d received, %d streams on the node%n",
          r.protocol, r.open, STREAMS, r.pending, r.received, r.nodeStreams);
      assertThat(r.protocol).isEqualTo("h2");
      assertThat(r.open).as("open EventSources").isEqualTo(STREAMS);
      assertThat(r.received).as("EventSources that received their event").isEqualTo(STREAMS);
      assertThat(r.nodeStreams).as("streams the node holds").isEqualTo(STREAMS);
    }
  }

  @Test
  @DisplayName("over plain HTTP/1.1 (no h2c in browsers) only six open; the other four wait for a connection")
  void onlySixOpenOverHttp11() throws Exception {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of("SSE_HTTP_PORT", QuietPort.next()));
      HttpClient publisher = clientVertx.createHttpClient();
      Result r = runPage(node, "http://127.0.0.1:" + node.port() + "/health/live",
          topic -> StreamRecorder.publish(publisher, node.port(), topic, "hello " + topic, Gateways.PUBLISH_KEY));
      System.out.printf("HTTP/1.1 (%s): %d of %d EventSources open, %d pending, %d received, %d streams on the node%n",
          r.protocol, r.open, STREAMS, r.pending, r.received, r.nodeStreams);
      assertThat(r.protocol).isEqualTo("http/1.1");
      assertThat(r.open).as("open EventSources").isEqualTo(6);
      assertThat(r.pending).as("EventSources still connecting").isEqualTo(STREAMS - 6);
      assertThat(r.received).as("EventSources that received their event").isEqualTo(6);
      assertThat(r.nodeStreams).as("streams the node holds").isEqualTo(6);
    }
  }

  record Result(String protocol, int open, int pending, int received, long nodeStreams) {}

  interface Publish {
    int to(String topic);
  }

  /** Runs the page script; publishes to t1..t10 once it reports its streams open. */
  private static Result runPage(GatewayNode node, String url, Publish publish) throws Exception {
    Process p = new ProcessBuilder("node", "h2-ten-streams.mjs", url, Integer.toString(STREAMS))
        .directory(SCRIPT_DIR.toFile())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      JsonObject opened = readPhase(out, "open");
      long nodeStreams = node.metrics().connections();
      for (int i = 1; i <= STREAMS; i++) {
        assertThat(publish.to("t" + i)).isEqualTo(200);
      }
      OutputStream in = p.getOutputStream();
      in.write("published\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      JsonObject received = readPhase(out, "received");
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the script ends").isTrue();
      assertThat(p.exitValue()).as("the script's exit code").isZero();
      return new Result(opened.getString("protocol"), opened.getInteger("open"), opened.getInteger("pending"),
          received.getInteger("received"), nodeStreams);
    } finally {
      p.destroyForcibly();
    }
  }

  private static JsonObject readPhase(BufferedReader out, String phase) throws Exception {
    CompletableFuture<JsonObject> line = CompletableFuture.supplyAsync(() -> {
      try {
        for (String l = out.readLine(); l != null; l = out.readLine()) {
          if (l.startsWith("{")) {
            JsonObject json = new JsonObject(l);
            if (phase.equals(json.getString("phase"))) {
              return json;
            }
          }
        }
        throw new IllegalStateException("the page script ended before reporting '" + phase + "'");
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    });
    return line.get(60, TimeUnit.SECONDS);
  }

  private static boolean onPath(String program) {
    for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
        return true;
      }
    }
    return false;
  }
}

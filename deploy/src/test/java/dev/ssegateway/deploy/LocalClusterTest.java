package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Brings up the local cluster with deploy/local/cluster-up.sh (Redis, three gateway nodes,
 * HAProxy), talks to it through the load balancer, kills a node with kill-node.sh, and checks that
 * the load balancer keeps answering. Skipped, with the reason, when the gateway jar has not been
 * built or HAProxy cannot be installed. Everything runs on loopback, on free ports, in
 * deploy/target/local-cluster/, and is stopped by cluster-down.sh.
 */
@DisplayName("Local cluster scripts: 3 nodes behind HAProxy survive a kill -9")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class LocalClusterTest {
  private static final Path LOCAL = Chart.repoRoot().resolve("deploy/local");
  private static final Path RUN = Chart.repoRoot().resolve("deploy/target/local-cluster");
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
  private static final Map<String, String> ENV = new LinkedHashMap<>();
  private static Map<String, String> state = Map.of();
  private static boolean started;

  @BeforeAll
  static void startCluster() throws Exception {
    Path jar = Chart.repoRoot().resolve("gateway/target/sse-gateway.jar");
    assumeTrue(Files.isRegularFile(jar),
        "gateway/target/sse-gateway.jar is not built: run `mvn package` (or `verify`) over the reactor, not only `test`");
    assumeTrue(onPath("haproxy") || (onPath("apt-get") && isRoot()),
        "haproxy is not installed and cannot be installed here (needs apt-get as root)");
    int base = freeRange(3 * 2 + 3);
    ENV.put("SSE_LOCAL_RUN_DIR", RUN.toString());
    ENV.put("SSE_LOCAL_LB_PORT", String.valueOf(base));
    ENV.put("SSE_LOCAL_LB_STATS_PORT", String.valueOf(base + 1));
    ENV.put("SSE_LOCAL_REDIS_PORT", String.valueOf(base + 2));
    ENV.put("SSE_LOCAL_HTTP_BASE", String.valueOf(base + 3));
    ENV.put("SSE_LOCAL_CLUSTER_BASE", String.valueOf(base + 6));
    ENV.put("SSE_LOCAL_JAVA_OPTS", "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");
    ENV.put("SSE_LOCAL_DRAIN_MS", "1000");
    ENV.put("SSE_LOCAL_START_TIMEOUT", "100");
    Result up = script(110, "cluster-up.sh", "3");
    started = true;
    if (up.exit != 0 && up.output.contains("haproxy is missing")) {
      assumeTrue(false, "haproxy could not be installed: " + up.output);
    }
    assertThat(up.exit).as("cluster-up.sh output:\n%s", up.output).isZero();
    state = readState(RUN.resolve("cluster.env"));
    assertThat(up.output.strip()).endsWith(state.get("SSE_LB_URL"));
    // "ready" means HAProxy itself sees every node UP, as status.sh shows it right after.
    Result status = script(20, "status.sh");
    for (int i = 1; i <= 3; i++) {
      assertThat(status.output).as("status.sh right after cluster-up.sh:\n%s", status.output)
          .containsPattern("node-" + i + "\\s.*lb:UP streams");
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (!started) {
      return;
    }
    List<String> pids = new ArrayList<>();
    try (Stream<Path> files = Files.list(RUN.resolve("pids"))) {
      files.filter(p -> p.toString().endsWith(".pid")).forEach(p -> pids.add(read(p).strip()));
    }
    Result down = script(60, "cluster-down.sh");
    assertThat(down.exit).as("cluster-down.sh output:\n%s", down.output).isZero();
    for (String pid : pids) {
      assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false))
          .as("pid %s stopped by cluster-down.sh", pid).isFalse();
    }
  }

  @Test
  @Order(1)
  @DisplayName("the load balancer streams events published through it, unbuffered, from a 3-node cluster")
  void streamsThroughTheLoadBalancer() throws Exception {
    String lb = state.get("SSE_LB_URL");
    assertThat(get(lb + "/health/ready").statusCode()).isEqualTo(200);
    assertThat(get(lb + "/stats").body()).contains("\"nodeCount\":3");

    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    CompletableFuture<HttpResponse<Stream<String>>> stream = HTTP.sendAsync(
        HttpRequest.newBuilder(URI.create(lb + "/events?topic=local-cluster-test")).build(),
        HttpResponse.BodyHandlers.ofLines());
    HttpResponse<Stream<String>> response = stream.get(10, TimeUnit.SECONDS);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    Thread reader = new Thread(() -> response.body().forEach(lines::add), "sse-reader");
    reader.setDaemon(true);
    reader.start();
    // The subscription is live once the stream has started (its first lines arrived).
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isNotNull();

    HttpResponse<String> published = HTTP.send(HttpRequest.newBuilder(URI.create(lb + "/publish"))
        .header("Authorization", "Bearer " + state.get("SSE_PUBLISH_KEY"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"local-cluster-test\",\"data\":\"through haproxy\"}"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(published.statusCode()).as(published.body()).isEqualTo(200);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    boolean got = false;
    while (!got && System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      got = "data: through haproxy".equals(line);
    }
    assertThat(got).as("event delivered through the load balancer within 10 s (lines: %s)", lines).isTrue();
    response.body().close();
  }

  @Test
  @Order(2)
  @DisplayName("each node exports the metrics the dashboard and the HPA use, and the image's HEALTHCHECK passes")
  void metricsAndHealthcheck() throws Exception {
    String node1 = state.get("SSE_NODE_URLS").split(" ")[0];
    String metrics = get(node1 + "/metrics").body();
    for (String name : GatewayMetrics.ALL) {
      assertThat(metrics).as("/metrics has %s", name).containsPattern("(?m)^" + name + "[{ ]");
    }
    String hc = Dockerfile.execForm(Dockerfile.load().runtime("HEALTHCHECK").args().replaceFirst("(?s).*CMD\\s+", "")).get(2);
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", hc.replace("127.0.0.1", URI.create(node1).getHost()));
    pb.environment().put("SSE_HTTP_PORT", String.valueOf(URI.create(node1).getPort()));
    Process check = pb.redirectErrorStream(true).start();
    assertThat(check.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(check.exitValue()).as("HEALTHCHECK command against a live node").isZero();
  }

  @Test
  @Order(3)
  @DisplayName("after kill -9 of a node the load balancer keeps answering and /stats drops the dead node")
  void survivesKillOfANode() throws Exception {
    Result kill = script(20, "kill-node.sh", "2");
    assertThat(kill.exit).as(kill.output).isZero();
    String lb = state.get("SSE_LB_URL");
    for (int i = 0; i < 20; i++) {
      assertThat(get(lb + "/health/ready").statusCode()).as("readiness through the LB, request %d", i).isEqualTo(200);
      Thread.sleep(100);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String stats = "";
    while (System.nanoTime() < deadline && !stats.contains("\"nodeCount\":2")) {
      HttpResponse<String> r = get(lb + "/stats");
      assertThat(r.statusCode()).isEqualTo(200);
      stats = r.body();
      Thread.sleep(500);
    }
    assertThat(stats).as("/stats after the kill").contains("\"nodeCount\":2").doesNotContain("\"node-2\"");
    Result status = script(20, "status.sh");
    assertThat(status.exit).as("status.sh: LB ready\n%s", status.output).isZero();
    assertThat(status.output).containsPattern("node-2\\s+\\d+\\s+no");
  }

  // ------------------------------------------------------------------ helpers

  record Result(int exit, String output) {}

  private static Result script(int timeoutSeconds, String name, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", LOCAL.resolve(name).toString()));
    cmd.addAll(List.of(args));
    Files.createDirectories(RUN);
    Path out = RUN.resolve(name + ".out");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(ENV);
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + read(out));
    }
    return new Result(p.exitValue(), read(out));
  }

  /** GET {@code url}; /stats and /metrics with the publish key, which opens them (no SSE_ADMIN_KEY here). */
  private static HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (url.endsWith("/stats") || url.endsWith("/metrics")) {
      b.header("Authorization", "Bearer " + state.get("SSE_PUBLISH_KEY"));
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static Map<String, String> readState(Path file) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : read(file).split("\n")) {
      int eq = line.indexOf('=');
      if (line.startsWith("SSE_") && eq > 0) {
        m.put(line.substring(0, eq), line.substring(eq + 1).replaceAll("^\"|\"$", ""));
      }
    }
    return m;
  }

  private static String read(Path p) {
    try {
      return Files.readString(p, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  private static boolean onPath(String cmd) {
    return Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
        .anyMatch(d -> Files.isExecutable(Path.of(d, cmd)));
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  /** A base port with {@code count} consecutive free loopback ports, away from the defaults. */
  private static int freeRange(int count) throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + (int) (Math.random() * 20000);
      boolean free = true;
      for (int port = base; port < base + count && free; port++) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
          s.setReuseAddress(true);
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no free port range");
  }
}

package dev.ssegateway.gateway.testing.process;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One gateway node as a separate JVM ({@code dev.ssegateway.gateway.Main} on this JVM's class
 * path), so that a test can kill it with SIGKILL or stop it with SIGTERM like a real pod.
 *
 * <pre>{@code
 * GatewayProcess node = GatewayProcess.start(settings);  // waits for /health/ready
 * node.kill9();                                          // crash: no goodbye to anyone
 * node.sigterm(Duration.ofSeconds(20));                  // drain, returns how long the exit took
 * node.restart();                                        // same ports, same settings
 * }</pre>
 *
 * <p>Its output goes to a log file under {@code target/} (appended on restart). Only the process
 * this object started is ever signalled, through its own {@link Process} handle; a JVM shutdown
 * hook kills whatever a test forgot to stop.
 */
public final class GatewayProcess implements AutoCloseable {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final HttpClient HTTP = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(1)).build();
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
        "gateway-process-reaper"));
  }

  private final String nodeId;
  private final int httpPort;
  private final Map<String, String> env;
  private final Path logFile;
  private Process process;

  private GatewayProcess(String nodeId, int httpPort, Map<String, String> env, Path logFile) {
    this.nodeId = nodeId;
    this.httpPort = httpPort;
    this.env = env;
    this.logFile = logFile;
  }

  /**
   * Launches a node with {@code env} (SSE_* settings; SSE_NODE_ID and SSE_HTTP_PORT are required)
   * and does not wait: call {@link #awaitReady()}. Several nodes started first and awaited after
   * start in parallel.
   */
  public static GatewayProcess launch(Map<String, String> env, Path logDirectory) {
    String nodeId = require(env, "SSE_NODE_ID");
    int port = Integer.parseInt(require(env, "SSE_HTTP_PORT"));
    GatewayProcess p = new GatewayProcess(nodeId, port, Map.copyOf(env), logDirectory.resolve(nodeId + ".log"));
    p.spawn();
    return p;
  }

  /** Launches a node and waits until it is ready. */
  public static GatewayProcess start(Map<String, String> env, Path logDirectory) {
    GatewayProcess p = launch(env, logDirectory);
    p.awaitReady();
    return p;
  }

  public String nodeId() {
    return nodeId;
  }

  public int httpPort() {
    return httpPort;
  }

  public Path logFile() {
    return logFile;
  }

  public synchronized boolean isAlive() {
    return process != null && process.isAlive();
  }

  public synchronized long pid() {
    return process == null ? -1 : process.pid();
  }

  /** Waits until {@code GET /health/ready} answers 200; fails with the log's tail otherwise. */
  public void awaitReady() {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!isAlive()) {
        throw new IllegalStateException("gateway " + nodeId + " exited during start; log " + logFile + ":\n" + logTail(40));
      }
      if (isReady()) {
        return;
      }
      sleep(100);
    }
    throw new IllegalStateException("gateway " + nodeId + " not ready within " + READY_TIMEOUT.toSeconds()
        + " s; log " + logFile + ":\n" + logTail(40));
  }

  /** Whether {@code /health/ready} answers 200 right now. */
  public boolean isReady() {
    return status("/health/ready") == 200;
  }

  /** The status of a GET on this node, or -1 when it cannot be reached. */
  public int status(String path) {
    try {
      return get(path).statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** GET {@code path}; /stats and /metrics with the admin key, or the publish key when none is set. */
  public HttpResponse<String> get(String path) throws IOException {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
        .timeout(Duration.ofSeconds(2)).GET();
    String key = env.getOrDefault("SSE_ADMIN_KEY", env.get("SSE_PUBLISH_KEY"));
    if ((path.startsWith("/stats") || path.startsWith("/metrics")) && key != null) {
      builder.header("Authorization", "Bearer " + key);
    }
    HttpRequest request = builder.build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** SIGKILL, as in a crash; waits until the process is gone. */
  public synchronized void kill9() {
    if (process == null) {
      return;
    }
    process.destroyForcibly();
    awaitExit(Duration.ofSeconds(10));
  }

  /**
   * SIGTERM, then waits up to {@code limit} for the process to exit by itself (after that it is
   * killed). Returns the time from the signal to the exit; longer than {@code limit} means it
   * had to be killed.
   */
  public synchronized Duration sigterm(Duration limit) {
    if (process == null || !process.isAlive()) {
      return Duration.ZERO;
    }
    long start = System.nanoTime();
    process.destroy();
    boolean exited = awaitExit(limit);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    if (!exited) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
      return limit.plusMillis(1);
    }
    return took;
  }

  /** The exit status of the last run, or null while it runs. */
  public synchronized Integer exitValue() {
    return process == null || process.isAlive() ? null : process.exitValue();
  }

  /** Waits up to {@code limit} for the process to exit by itself: its exit status, or null if it still runs. */
  public synchronized Integer exitStatusWithin(Duration limit) {
    return awaitExit(limit) ? process.exitValue() : null;
  }

  /** Starts the node again with the same ports and settings, and waits until it is ready. */
  public void restart() {
    synchronized (this) {
      if (isAlive()) {
        throw new IllegalStateException("gateway " + nodeId + " is still running");
      }
      spawn();
    }
    awaitReady();
  }

  /** Starts the node again and does not wait (see {@link #awaitReady()}). */
  public synchronized void relaunch() {
    if (isAlive()) {
      throw new IllegalStateException("gateway " + nodeId + " is still running");
    }
    spawn();
  }

  /** The last {@code lines} lines of this node's log. */
  public String logTail(int lines) {
    try {
      List<String> all = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public synchronized void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
      awaitExit(Duration.ofSeconds(10));
    }
  }

  @Override
  public String toString() {
    return "GatewayProcess{" + nodeId + ", port " + httpPort + ", pid " + pid() + ", alive " + isAlive() + "}";
  }

  private synchronized void spawn() {
    List<String> command = new ArrayList<>();
    command.add(javaBinary());
    command.addAll(hazelcastJvmFlags());
    command.addAll(List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-Dlogback.configurationFile=logback.xml",
        "-cp", System.getProperty("java.class.path"),
        "dev.ssegateway.gateway.Main"));
    try {
      Files.createDirectories(logFile.getParent());
      Files.writeString(logFile, "---- " + java.time.Instant.now() + " starting " + nodeId + "\n",
          StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
      // Only the settings given: nothing from the test JVM's own SSE_* environment leaks in.
      pb.environment().keySet().removeIf(k -> k.startsWith("SSE_"));
      pb.environment().putAll(env);
      process = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start gateway " + nodeId, e);
    }
    LIVE.add(process);
  }

  private boolean awaitExit(Duration limit) {
    try {
      boolean exited = process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS);
      if (exited) {
        LIVE.remove(process);
      }
      return exited;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private static String javaBinary() {
    return ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The flags Hazelcast asks for on JDK 17+, read from the root pom's {@code hazelcast.jvm.flags}
   * property (the one place they are listed), with a copy as fallback.
   */
  static List<String> hazelcastJvmFlags() {
    String flags = "--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED"
        + " --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED"
        + " --add-opens java.management/sun.management=ALL-UNNAMED"
        + " --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED";
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path pom = dir.resolve("pom.xml");
      if (!Files.isRegularFile(pom)) {
        continue;
      }
      try {
        Matcher m = Pattern.compile("<hazelcast\\.jvm\\.flags>([^<]+)</hazelcast\\.jvm\\.flags>")
            .matcher(Files.readString(pom));
        if (m.find()) {
          flags = m.group(1);
          break;
        }
      } catch (IOException ignored) {
        // keep looking upwards, then use the copy
      }
    }
    return List.of(flags.trim().split("\\s+"));
  }

  /** Settings shared by the nodes of one test cluster; add SSE_NODE_ID, ports and the rest. */
  public static Map<String, String> baseSettings(String clusterName, String members, String redisUrl, String publishKey) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SSE_HTTP_HOST", "127.0.0.1");
    env.put("SSE_CLUSTER_NAME", clusterName);
    env.put("SSE_CLUSTER_MEMBERS", members);
    env.put("SSE_REDIS_URL", redisUrl);
    env.put("SSE_PUBLISH_KEY", publishKey);
    env.put("SSE_EVENT_LOOPS", "2");
    return env;
  }

  private static String require(Map<String, String> env, String key) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException(key + " is required");
    }
    return v;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

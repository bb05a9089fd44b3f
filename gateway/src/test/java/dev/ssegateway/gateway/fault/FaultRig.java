package dev.ssegateway.gateway.fault;

import dev.ssegateway.gateway.testing.process.GatewayProcess;
import dev.ssegateway.gateway.testing.process.RoundRobinProxy;
import dev.ssegateway.publisher.WireFormat;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;

/**
 * What every fault scenario runs on: gateway nodes as separate processes on one Redis (or Redis
 * Cluster), a round-robin TCP proxy in front of them (the load balancer), one Vert.x with a shared
 * HTTP client for hundreds of SSE clients, and a Redis client to read the truth (each topic's
 * history) from. Logs go to {@code target/fault-suite/<run>/}.
 */
final class FaultRig implements AutoCloseable {
  static final String PUBLISH_KEY = "fault-suite-publish-key";
  static final long DRAIN_MS = 3000;
  static final long RETRY_MS = 500;
  static final String PREFIX = "sse:";

  final String name;
  final Path logDirectory;
  final List<GatewayProcess> nodes = new ArrayList<>();
  private final Vertx proxyVertx;
  final Vertx clientVertx;
  final HttpClient http;
  private final Redis redis;
  private RoundRobinProxy proxy;

  private FaultRig(String name, RedisOptions redisOptions) {
    this.name = name;
    this.logDirectory = Path.of("target", "fault-suite", name + "-" + UUID.randomUUID().toString().substring(0, 8))
        .toAbsolutePath();
    this.proxyVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    this.clientVertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    this.http = clientVertx.createHttpClient(
        new HttpClientOptions().setKeepAlive(false).setConnectTimeout(2000).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(2000));
    this.redis = Redis.createClient(clientVertx, redisOptions);
  }

  /**
   * Starts {@code nodeCount} gateway processes that form one cluster on {@code redisUrl}, and the
   * proxy in front of them. On failure everything started so far is stopped again.
   */
  static FaultRig start(String name, int nodeCount, String redisUrl, RedisOptions readOptions, Map<String, String> extraEnv) {
    FaultRig rig = new FaultRig(name, readOptions);
    try {
      List<Integer> clusterPorts = new ArrayList<>();
      for (int i = 0; i < nodeCount; i++) {
        clusterPorts.add(freePort());
      }
      String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
      String clusterName = "fault-" + UUID.randomUUID();
      for (int i = 0; i < nodeCount; i++) {
        Map<String, String> env = new HashMap<>(GatewayProcess.baseSettings(clusterName, members, redisUrl, PUBLISH_KEY));
        env.put("SSE_NODE_ID", "node-" + (i + 1));
        env.put("SSE_HTTP_PORT", Integer.toString(freePort()));
        env.put("SSE_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
        env.put("SSE_DRAIN_MS", Long.toString(DRAIN_MS));
        env.put("SSE_RETRY_MS", Long.toString(RETRY_MS));
        env.put("SSE_STATS_INTERVAL_MS", "500");
        env.put("SSE_HEARTBEAT_MS", "5000");
        env.putAll(extraEnv);
        rig.nodes.add(GatewayProcess.launch(env, rig.logDirectory));
      }
      rig.nodes.forEach(GatewayProcess::awaitReady);
      rig.proxy = RoundRobinProxy.start(rig.proxyVertx, rig.nodes.stream().map(GatewayProcess::httpPort).toList());
      return rig;
    } catch (RuntimeException | Error e) {
      rig.close();
      throw e;
    }
  }

  int proxyPort() {
    return proxy.port();
  }

  RoundRobinProxy proxy() {
    return proxy;
  }

  List<IntSupplier> nodePorts() {
    return nodes.stream().map(n -> (IntSupplier) n::httpPort).toList();
  }

  /** Starts again every node that is not running (same ports), then waits until all are ready. */
  void ensureAllUp() {
    for (GatewayProcess n : nodes) {
      if (!n.isAlive()) {
        n.relaunch();
      }
    }
    nodes.forEach(GatewayProcess::awaitReady);
  }

  /** Waits until every running node is ready; returns false after {@code timeout}. */
  boolean awaitRunningNodesReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (nodes.stream().filter(GatewayProcess::isAlive).allMatch(GatewayProcess::isReady)) {
        return true;
      }
      Thread.sleep(50);
    }
    return false;
  }

  /** Each topic's history as event keys, oldest first: the truth clients are checked against. */
  List<List<Long>> readHistory(String[] topics) {
    List<List<Long>> out = new ArrayList<>();
    for (String topic : topics) {
      Response r = await(redis.send(Request.cmd(Command.XRANGE).arg(WireFormat.historyKey(PREFIX, topic)).arg("-").arg("+")));
      List<Long> keys = new ArrayList<>();
      for (Response entry : r) {
        Response fields = entry.get(1);
        for (int j = 0; j + 1 < fields.size(); j += 2) {
          if (fields.get(j).toString().equals(WireFormat.FIELD_DATA)) {
            keys.add(EventKey.keyOf(fields.get(j + 1).toString()));
          }
        }
      }
      out.add(keys);
    }
    return out;
  }

  /** Prints a line of the suite's results and keeps it in {@code summary.txt} next to the logs. */
  void report(String line) {
    String text = "[fault-suite] " + line;
    System.out.println(text);
    try {
      Files.createDirectories(logDirectory);
      Files.writeString(logDirectory.resolve("summary.txt"), text + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    for (GatewayProcess n : nodes) {
      try {
        n.close();
      } catch (RuntimeException ignored) {
        // best effort: the others must still stop
      }
    }
    if (proxy != null) {
      try {
        proxy.close();
      } catch (RuntimeException ignored) {
        // closed with its Vert.x below
      }
    }
    redis.close();
    await(http.close());
    await(clientVertx.close());
    await(proxyVertx.close());
  }

  static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    return dev.ssegateway.testkit.Ports.free();
  }
}

package dev.ssegateway.gateway.testing;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.config.GatewayConfig;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts real gateway nodes in this JVM, each with its own Vert.x, Hazelcast member and ports,
 * and stops them at the end. Every group gets its own Hazelcast cluster name, so tests running
 * one after another never join each other's clusters.
 */
public final class Gateways implements AutoCloseable {
  public static final String PUBLISH_KEY = "test-publish-key";

  private final List<GatewayNode> nodes = new ArrayList<>();

  /** One dev-mode node (memory broker). */
  public GatewayNode startOne(Map<String, String> extraEnv) {
    return start(1, null, extraEnv).get(0);
  }

  /**
   * Starts {@code count} nodes that form one Hazelcast cluster; with {@code redisUrl} they share
   * that Redis, else each uses its own memory broker.
   */
  public List<GatewayNode> start(int count, String redisUrl, Map<String, String> extraEnv) {
    String clusterName = "test-" + UUID.randomUUID();
    List<Integer> clusterPorts = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      clusterPorts.add(freePort());
    }
    String members = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    List<Future<GatewayNode>> starting = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Map<String, String> env = new HashMap<>();
      env.put("SSE_HTTP_PORT", Integer.toString(freePort()));
      env.put("SSE_HTTP_HOST", "127.0.0.1");
      env.put("SSE_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
      env.put("SSE_CLUSTER_NAME", clusterName);
      env.put("SSE_NODE_ID", "node-" + (i + 1));
      env.put("SSE_PUBLISH_KEY", PUBLISH_KEY);
      env.put("SSE_EVENT_LOOPS", "2");
      env.put("SSE_STATS_INTERVAL_MS", "200");
      if (count > 1) {
        env.put("SSE_CLUSTER_MEMBERS", members);
      }
      if (redisUrl != null) {
        env.put("SSE_REDIS_URL", redisUrl);
      }
      env.putAll(extraEnv);
      starting.add(GatewayNode.start(GatewayConfig.from(env)));
    }
    List<GatewayNode> started = new ArrayList<>();
    for (Future<GatewayNode> f : starting) {
      started.add(await(f));
    }
    nodes.addAll(started);
    return started;
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  public static int freePort() {
    return dev.ssegateway.testkit.Ports.free();
  }

  /** Stops a node as if its process died (no goodbye to the cluster). */
  public void crash(GatewayNode node) {
    nodes.remove(node);
    await(node.crash());
  }

  public void stop(GatewayNode node) {
    nodes.remove(node);
    await(node.stop());
  }

  @Override
  public void close() {
    List<Future<Void>> stopping = new ArrayList<>();
    for (GatewayNode n : nodes) {
      stopping.add(n.stop());
    }
    nodes.clear();
    for (Future<Void> f : stopping) {
      try {
        await(f);
      } catch (RuntimeException ignored) {
        // best effort at the end of a test
      }
    }
  }
}

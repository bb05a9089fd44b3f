package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.testkit.RedisServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A master, one replica ({@code --replicaof}) and one Sentinel watching them as
 * {@value #MASTER_NAME}, all real {@code redis-server} processes on loopback. The Sentinel runs
 * the same binary with {@code sentinel.conf --sentinel}; it marks the master down after
 * {@value #DOWN_AFTER_MS} ms and fails over to the replica.
 *
 * <pre>{@code
 * try (RedisSentinelGroup group = RedisSentinelGroup.start()) {
 *   env.put("SSE_REDIS_MODE", "sentinel");
 *   env.put("SSE_REDIS_URL", group.sentinelUrl());
 *   group.killMaster();
 *   int newMaster = group.awaitFailover(Duration.ofSeconds(20));
 * }
 * }</pre>
 */
public final class RedisSentinelGroup implements AutoCloseable {
  public static final String MASTER_NAME = "mymaster";
  static final int DOWN_AFTER_MS = 1000;
  static final int FAILOVER_TIMEOUT_MS = 3000;
  private static final Path ROOT = Path.of("target", "redis").toAbsolutePath();

  private final RedisServer master;
  private final RedisServer replica;
  private final int sentinelPort;
  private final Path sentinelDir;
  private Process sentinel;

  private RedisSentinelGroup(RedisServer master, RedisServer replica, int sentinelPort, Path sentinelDir) {
    this.master = master;
    this.replica = replica;
    this.sentinelPort = sentinelPort;
    this.sentinelDir = sentinelDir;
  }

  /**
   * Starts the three processes and waits until the replica is in sync and the Sentinel knows it
   * (so that a failover can pick it).
   */
  public static RedisSentinelGroup start() {
    RedisServer master = RedisServer.start();
    RedisServer replica = null;
    RedisSentinelGroup group = null;
    try {
      replica = RedisServer.start("--replicaof", "127.0.0.1", Integer.toString(master.port()));
      int port = freePort();
      Path dir = ROOT.resolve("sentinel-" + port + "-" + ProcessHandle.current().pid());
      group = new RedisSentinelGroup(master, replica, port, dir);
      group.launchSentinel();
      group.awaitReplicaKnown();
      return group;
    } catch (RuntimeException e) {
      if (group != null) {
        group.close();
      } else {
        master.kill();
        if (replica != null) {
          replica.kill();
        }
      }
      throw e;
    }
  }

  public String sentinelUrl() {
    return "redis://127.0.0.1:" + sentinelPort;
  }

  public int sentinelPort() {
    return sentinelPort;
  }

  public int masterPort() {
    return master.port();
  }

  public int replicaPort() {
    return replica.port();
  }

  /** The master's port as the Sentinel reports it now. */
  public int currentMasterPort() {
    List<Object> addr = Resp.list(sentinelPort, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", MASTER_NAME);
    return Integer.parseInt((String) addr.get(1));
  }

  /** SIGKILL of the master, as in a crash: writes not yet replicated are gone. */
  public void killMaster() {
    master.kill();
  }

  /**
   * Stops replication without the Sentinel minding: the replica may not log in any more (a user
   * that does not exist), and its link is cut. Writes to the master from now on exist only there,
   * as when a master dies before its newest writes reached the replica.
   */
  public void cutReplication() {
    Resp.call(replica.port(), "CONFIG", "SET", "masteruser", "nobody-here");
    Resp.call(replica.port(), "CONFIG", "SET", "masterauth", "wrong");
    Resp.call(master.port(), "CLIENT", "KILL", "TYPE", "replica");
    long deadline = System.currentTimeMillis() + 5000;
    while (!Resp.text(replica.port(), "INFO", "replication").contains("master_link_status:down")) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("the replica still replicates");
      }
      sleep(10);
    }
  }

  /** Waits until the Sentinel names the replica as master and it accepts writes. */
  public void awaitFailover(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (System.currentTimeMillis() < deadline) {
      try {
        if (currentMasterPort() == replica.port()
            && Resp.text(replica.port(), "ROLE").startsWith("[master")) {
          return;
        }
      } catch (RuntimeException e) {
        // the Sentinel is busy failing over: ask again
      }
      sleep(20);
    }
    throw new IllegalStateException("no failover to the replica within " + timeoutMs + " ms; sentinel log: "
        + sentinelDir.resolve("sentinel.log"));
  }

  private void launchSentinel() {
    try {
      Files.createDirectories(sentinelDir);
      Path conf = sentinelDir.resolve("sentinel.conf");
      Files.writeString(conf, String.join("\n",
          "port " + sentinelPort,
          "bind 127.0.0.1",
          "dir " + sentinelDir,
          "sentinel monitor " + MASTER_NAME + " 127.0.0.1 " + master.port() + " 1",
          "sentinel down-after-milliseconds " + MASTER_NAME + " " + DOWN_AFTER_MS,
          "sentinel failover-timeout " + MASTER_NAME + " " + FAILOVER_TIMEOUT_MS,
          "sentinel parallel-syncs " + MASTER_NAME + " 1",
          ""), StandardCharsets.UTF_8);
      sentinel = new ProcessBuilder(binary().toString(), conf.toString(), "--sentinel")
          .directory(sentinelDir.toFile())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(sentinelDir.resolve("sentinel.log").toFile()))
          .start();
      Process started = sentinel;
      Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly, "sentinel-reaper"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long deadline = System.currentTimeMillis() + 15_000;
    while (!Resp.pings(sentinelPort)) {
      if (!sentinel.isAlive() || System.currentTimeMillis() > deadline) {
        throw new IllegalStateException("Sentinel did not start; log " + sentinelDir.resolve("sentinel.log"));
      }
      sleep(20);
    }
  }

  private void awaitReplicaKnown() {
    long deadline = System.currentTimeMillis() + 20_000;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        String info = Resp.text(replica.port(), "INFO", "replication");
        List<Object> replicas = Resp.list(sentinelPort, "SENTINEL", "REPLICAS", MASTER_NAME);
        last = info.replace("\r\n", " ") + " / " + replicas;
        if (info.contains("master_link_status:up") && replicas.size() == 1) {
          List<?> fields = (List<?>) replicas.get(0);
          int flags = fields.indexOf("flags");
          int link = fields.indexOf("master-link-status");
          if (flags >= 0 && "slave".equals(fields.get(flags + 1)) && link >= 0 && "ok".equals(fields.get(link + 1))) {
            return;
          }
        }
      } catch (RuntimeException e) {
        last = e.toString();
      }
      sleep(50);
    }
    throw new IllegalStateException("the Sentinel does not know an in-sync replica: " + last);
  }

  @Override
  public void close() {
    if (sentinel != null) {
      sentinel.destroy();
      try {
        if (!sentinel.waitFor(10, TimeUnit.SECONDS)) {
          sentinel.destroyForcibly();
          sentinel.waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        sentinel.destroyForcibly();
      }
    }
    replica.close();
    master.close();
  }

  /** The redis-server binary the publisher's RedisServer fixture runs (bundled 7.0.15, or REDIS_SERVER). */
  private static Path binary() {
    try {
      Method path = Class.forName("dev.ssegateway.testkit.RedisBinary").getDeclaredMethod("path");
      path.setAccessible(true);
      return (Path) path.invoke(null);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot find the redis-server binary", e);
    }
  }

  private static int freePort() {
    return dev.ssegateway.testkit.Ports.free();
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

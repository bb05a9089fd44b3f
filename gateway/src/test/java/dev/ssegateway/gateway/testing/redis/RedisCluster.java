package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.testkit.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A local Redis Cluster of real {@code redis-server} processes, each a master owning an equal
 * share of the 16384 slots, formed without {@code redis-cli}: CLUSTER MEET, then CLUSTER
 * ADDSLOTSRANGE on each node, then wait until every node reports {@code cluster_state:ok} and
 * the same slot owners. Also moves a slot between masters the way {@code redis-cli --cluster
 * reshard} does, for topology-change tests.
 *
 * <pre>{@code
 * try (RedisCluster cluster = RedisCluster.start(3)) {
 *   env.put("SSE_REDIS_URL", cluster.seeds());
 *   cluster.moveSlot(cluster.slotOf("sse:{orders}"), cluster.ports().get(1));
 * }
 * }</pre>
 */
public final class RedisCluster implements AutoCloseable {
  private static final long FORM_TIMEOUT_MS = 20_000;

  private final List<RedisServer> servers;
  private final List<Integer> busPorts;
  private final List<String> ids = new ArrayList<>();

  private RedisCluster(List<RedisServer> servers, List<Integer> busPorts) {
    this.servers = servers;
    this.busPorts = busPorts;
    for (RedisServer s : servers) {
      ids.add(Resp.text(s.port(), "CLUSTER", "MYID"));
    }
  }

  /** Starts {@code masters} nodes (no replicas), forms the cluster and waits until it serves. */
  public static RedisCluster start(int masters) {
    List<RedisServer> servers = new ArrayList<>();
    List<Integer> busPorts = new ArrayList<>();
    try {
      for (int i = 0; i < masters; i++) {
        // An explicit bus port: the default (port + 10000) is out of range for high free ports.
        int bus = freePort();
        servers.add(RedisServer.start("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
            "--cluster-port", Integer.toString(bus), "--cluster-node-timeout", "5000"));
        busPorts.add(bus);
      }
      RedisCluster cluster = new RedisCluster(servers, busPorts);
      cluster.form();
      return cluster;
    } catch (RuntimeException e) {
      servers.forEach(RedisServer::kill);
      throw e;
    }
  }

  private void form() {
    int first = servers.get(0).port();
    for (int i = 1; i < servers.size(); i++) {
      Resp.call(first, "CLUSTER", "MEET", "127.0.0.1", servers.get(i).port(), busPorts.get(i));
    }
    int n = servers.size();
    for (int i = 0; i < n; i++) {
      int from = 16384 * i / n;
      int to = 16384 * (i + 1) / n - 1;
      Resp.call(servers.get(i).port(), "CLUSTER", "ADDSLOTSRANGE", from, to);
    }
    awaitConsistent();
  }

  /** Waits until every node is {@code ok}, knows every node and sees the same slot owners. */
  public void awaitConsistent() {
    long deadline = System.currentTimeMillis() + FORM_TIMEOUT_MS;
    String last = "";
    while (System.currentTimeMillis() < deadline) {
      try {
        List<String> views = new ArrayList<>();
        boolean ok = true;
        for (RedisServer s : servers) {
          String info = Resp.text(s.port(), "CLUSTER", "INFO");
          ok &= info.contains("cluster_state:ok") && info.contains("cluster_known_nodes:" + servers.size());
          views.add(slotOwners(s.port()));
        }
        last = views.toString();
        if (ok && views.stream().distinct().count() == 1 && !views.get(0).contains("?")) {
          return;
        }
      } catch (RuntimeException e) {
        last = e.toString();
      }
      sleep(50);
    }
    throw new IllegalStateException("Redis Cluster did not settle within " + FORM_TIMEOUT_MS + " ms: " + last);
  }

  /** Comma-separated seed URLs, as {@code SSE_REDIS_URL} takes them. */
  public String seeds() {
    return servers.stream().map(RedisServer::url).collect(Collectors.joining(","));
  }

  public List<Integer> ports() {
    return servers.stream().map(RedisServer::port).toList();
  }

  public int slotOf(String key) {
    return ((Long) Resp.call(servers.get(0).port(), "CLUSTER", "KEYSLOT", key)).intValue();
  }

  /** The port of the master that owns {@code slot}, as the first node sees it. */
  public int ownerOf(int slot) {
    return ownerOf(slot, servers.get(0).port());
  }

  private int ownerOf(int slot, int askedPort) {
    for (Object o : Resp.list(askedPort, "CLUSTER", "SLOTS")) {
      List<?> range = (List<?>) o;
      if ((Long) range.get(0) <= slot && slot <= (Long) range.get(1)) {
        return ((Long) ((List<?>) range.get(2)).get(1)).intValue();
      }
    }
    return -1;
  }

  /** A topic whose {@code sse:{topic}} slot lives on the master at {@code port}. */
  public String topicOn(int port, String prefix) {
    for (int i = 0; i < 10_000; i++) {
      String topic = prefix + "-" + i;
      if (ownerOf(slotOf("sse:{" + topic + "}")) == port) {
        return topic;
      }
    }
    throw new IllegalStateException("no topic on " + port);
  }

  /**
   * Moves {@code slot} with its keys to the master at {@code toPort}, as a resharding does:
   * IMPORTING on the target, MIGRATING on the source, MIGRATE every key, then SETSLOT NODE on
   * the target, the source and every other master. Redis 7 then drops the slot's sharded
   * subscriptions on the source with a {@code sunsubscribe} push.
   */
  public void moveSlot(int slot, int toPort) {
    int fromPort = ownerOf(slot);
    if (fromPort == toPort) {
      throw new IllegalArgumentException("slot " + slot + " is already on " + toPort);
    }
    String fromId = idOf(fromPort);
    String toId = idOf(toPort);
    Resp.call(toPort, "CLUSTER", "SETSLOT", slot, "IMPORTING", fromId);
    Resp.call(fromPort, "CLUSTER", "SETSLOT", slot, "MIGRATING", toId);
    while (true) {
      List<Object> keys = Resp.list(fromPort, "CLUSTER", "GETKEYSINSLOT", slot, 100);
      if (keys.isEmpty()) {
        break;
      }
      List<Object> args = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", toPort, "", 0, 5000, "KEYS"));
      args.addAll(keys);
      Resp.call(fromPort, args.toArray());
    }
    Resp.call(toPort, "CLUSTER", "SETSLOT", slot, "NODE", toId);
    Resp.call(fromPort, "CLUSTER", "SETSLOT", slot, "NODE", toId);
    for (RedisServer s : servers) {
      if (s.port() != fromPort && s.port() != toPort) {
        Resp.call(s.port(), "CLUSTER", "SETSLOT", slot, "NODE", toId);
      }
    }
    awaitConsistent();
  }

  private String idOf(int port) {
    for (int i = 0; i < servers.size(); i++) {
      if (servers.get(i).port() == port) {
        return ids.get(i);
      }
    }
    throw new IllegalArgumentException("no node on port " + port);
  }

  private String slotOwners(int port) {
    List<String> ranges = new ArrayList<>();
    for (Object o : Resp.list(port, "CLUSTER", "SLOTS")) {
      List<?> range = (List<?>) o;
      List<?> master = (List<?>) range.get(2);
      String host = String.valueOf(master.get(0));
      ranges.add(range.get(0) + "-" + range.get(1) + "@" + (host.isEmpty() ? "?" : host) + ":" + master.get(1));
    }
    ranges.sort(null);
    return String.join(",", ranges);
  }

  @Override
  public void close() {
    servers.forEach(RedisServer::close);
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

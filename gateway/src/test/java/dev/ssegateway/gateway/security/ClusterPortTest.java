package dev.ssegateway.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.core.HazelcastInstance;
import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.testing.Gateways;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The Hazelcast member port, attacked as the issue did: a node alone must listen on loopback only,
 * and no Hazelcast client (the protocol that reads and writes every map) may connect to a member,
 * alone or in a cluster.
 */
@DisplayName("The cluster port: loopback when alone, members only, no Hazelcast client")
class ClusterPortTest {

  @Test
  @DisplayName("a node alone binds its member port to 127.0.0.1 only: nothing listens on other addresses")
  void aloneBindsLoopbackOnly() throws IOException {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of());
      int port = node.config().intValue(Setting.CLUSTER_PORT);
      List<String> listening = ListeningSockets.addressesOn(port);
      System.out.println("[cluster-port] node alone, member port " + port + " listens on " + listening);
      assertThat(listening).isNotEmpty().allMatch(a -> a.equals("127.0.0.1"));
      for (InetAddress other : nonLoopbackAddresses()) {
        boolean connected = connects(other, port);
        System.out.println("[cluster-port] connect to " + other.getHostAddress() + ":" + port + " -> "
            + (connected ? "ACCEPTED" : "refused"));
        assertThat(connected).as("member port reachable on %s", other).isFalse();
      }
    }
  }

  @Test
  @DisplayName("a Hazelcast client with the right cluster name cannot connect to a node alone nor to a 2-member cluster")
  void hazelcastClientIsRefused() {
    try (Gateways gateways = new Gateways()) {
      List<GatewayNode> nodes = gateways.start(2, null, Map.of());
      // The cluster formed over the member-only endpoints.
      long until = System.currentTimeMillis() + 10_000;
      while (nodes.get(0).cluster().memberCount() < 2 && System.currentTimeMillis() < until) {
        Scrape.sleep(50);
      }
      assertThat(nodes.get(0).cluster().memberCount()).isEqualTo(2);
      for (GatewayNode node : nodes) {
        assertClientRefused(node);
      }
    }
    try (Gateways gateways = new Gateways()) {
      assertClientRefused(gateways.startOne(Map.of()));
    }
  }

  private static void assertClientRefused(GatewayNode node) {
    int port = node.config().intValue(Setting.CLUSTER_PORT);
    ClientConfig config = new ClientConfig();
    config.setClusterName(node.config().string(Setting.CLUSTER_NAME));
    config.setInstanceName("attacker-" + UUID.randomUUID());
    config.getNetworkConfig().addAddress("127.0.0.1:" + port).setConnectionTimeout(2000);
    config.getConnectionStrategyConfig().getConnectionRetryConfig()
        .setClusterConnectTimeoutMillis(2500).setInitialBackoffMillis(200).setMaxBackoffMillis(500);
    config.setProperty("hazelcast.logging.type", "none");
    long start = System.nanoTime();
    HazelcastInstance client = null;
    String outcome;
    try {
      client = HazelcastClient.newHazelcastClient(config);
      int cursors = client.getMap("sse-cursors").size();
      client.getMap("sse-nodes").put("forged", "{}");
      outcome = "CONNECTED: read sse-cursors (" + cursors + " entries) and wrote sse-nodes";
    } catch (IllegalStateException e) {
      outcome = "refused (" + e.getMessage() + ")";
    } finally {
      if (client != null) {
        client.shutdown();
      }
    }
    System.out.printf("[cluster-port] Hazelcast client -> 127.0.0.1:%d: %s after %d ms%n",
        port, outcome, (System.nanoTime() - start) / 1_000_000);
    assertThat(outcome).startsWith("refused");
  }

  private static boolean connects(InetAddress address, int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static List<InetAddress> nonLoopbackAddresses() throws IOException {
    List<InetAddress> out = new ArrayList<>();
    for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (nic.isUp() && !nic.isLoopback()) {
        nic.inetAddresses().filter(a -> a instanceof Inet4Address).forEach(out::add);
      }
    }
    return out;
  }

  /** Listening TCP sockets from /proc/net/tcp{,6}: what the kernel says, not what the config says. */
  static final class ListeningSockets {
    private ListeningSockets() {}

    static List<String> addressesOn(int port) throws IOException {
      List<String> out = new ArrayList<>();
      read(Path.of("/proc/net/tcp"), port, out, false);
      read(Path.of("/proc/net/tcp6"), port, out, true);
      return out;
    }

    private static void read(Path file, int port, List<String> out, boolean v6) throws IOException {
      if (!Files.exists(file)) {
        return;
      }
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length < 4 || !f[3].equals("0A")) { // 0A: LISTEN
          continue;
        }
        String[] local = f[1].split(":");
        if (Integer.parseInt(local[1], 16) != port) {
          continue;
        }
        out.add(v6 ? ipv6(local[0]) : ipv4(local[0]));
      }
    }

    private static String ipv4(String hex) {
      long v = Long.parseLong(hex, 16); // little-endian
      return (v & 0xff) + "." + ((v >> 8) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 24) & 0xff);
    }

    private static String ipv6(String hex) {
      if (hex.equals("00000000000000000000000000000000")) {
        return "::";
      }
      if (hex.equals("0000000000000000FFFF00000100007F")) {
        return "127.0.0.1";
      }
      return "ipv6:" + hex;
    }
  }
}

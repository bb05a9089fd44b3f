package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.config.AdvancedNetworkConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.config.ServerSocketEndpointConfig;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import java.util.List;

/**
 * Builds the Hazelcast member configuration from the gateway's settings: TCP-IP join from
 * {@code SSE_CLUSTER_MEMBERS}, Kubernetes DNS discovery from {@code SSE_CLUSTER_DNS}, or alone.
 *
 * <p>The member port is a door into every shared map, so it opens as little as it can: one
 * member-only endpoint (no client protocol), bound to one address ({@code SSE_CLUSTER_BIND}, or
 * loopback when the node is alone), never the wildcard.
 */
public final class HazelcastConfigFactory {
  private HazelcastConfigFactory() {}

  public static Config create(GatewayConfig settings) {
    Config config = new Config();
    config.setClusterName(settings.string(Setting.CLUSTER_NAME));
    // Unique in the JVM even when a node id repeats (tests start many nodes in one JVM).
    config.setInstanceName("sse-" + settings.nodeId() + "-" + java.util.UUID.randomUUID().toString().substring(0, 8));
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Notice a dead member within seconds, so its counts leave /stats quickly.
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.setProperty("hazelcast.max.no.heartbeat.seconds", "8");
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");
    config.setProperty("hazelcast.merge.next.run.delay.seconds", "5");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.getMemberAttributeConfig().setAttribute("sse.node", settings.nodeId());

    // Server-side cursors: kept for SSE_CURSOR_TTL_MS after their last save, and bounded in count
    // per member (least recently used first) whatever the number of owners. The per-owner index
    // has one entry per owner, so the same bound fits it.
    int cursorTtlSeconds = (int) Math.min(Integer.MAX_VALUE, settings.longValue(Setting.CURSOR_TTL_MS) / 1000);
    int maxCursors = settings.intValue(Setting.MAX_CURSORS);
    for (String map : List.of(HazelcastClusterState.CURSORS_MAP, HazelcastClusterState.CURSOR_OWNERS_MAP)) {
      config.addMapConfig(new MapConfig(map).setTimeToLiveSeconds(cursorTtlSeconds)
          .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
              .setMaxSizePolicy(MaxSizePolicy.PER_NODE).setSize(maxCursors)));
    }

    // Members only: the advanced network config opens just the member endpoint, so the client
    // protocol (which reads and writes every map: cursors, user slots, /stats) has no socket at all.
    AdvancedNetworkConfig network = config.getAdvancedNetworkConfig().setEnabled(true);
    ServerSocketEndpointConfig member = new ServerSocketEndpointConfig();
    member.setPort(settings.intValue(Setting.CLUSTER_PORT)).setPortAutoIncrement(false);
    network.setMemberEndpointConfig(member);
    // Bind one address, never the wildcard (Hazelcast binds *:5701 by default, whatever it announces).
    config.setProperty("hazelcast.socket.bind.any", "false");
    config.setProperty("hazelcast.socket.server.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);

    List<String> members = settings.list(Setting.CLUSTER_MEMBERS);
    String bind = settings.string(Setting.CLUSTER_BIND);
    if (settings.isSet(Setting.CLUSTER_DNS)) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", settings.string(Setting.CLUSTER_DNS))
          .setProperty("service-port", settings.string(Setting.CLUSTER_PORT));
    } else if (!members.isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
      if (bind == null && members.stream().allMatch(HazelcastConfigFactory::isLoopback)) {
        bind = "127.0.0.1";
      }
    } else if (bind == null) {
      // Alone: keep the member private to this machine.
      bind = "127.0.0.1";
    }
    if (bind != null) {
      bindTo(config, member, bind);
    }
    // Unset in a cluster: Hazelcast picks one address of this host (the pod IP in Kubernetes) and
    // binds that one alone (bind.any is off).
    return config;
  }

  private static void bindTo(Config config, ServerSocketEndpointConfig member, String address) {
    config.setProperty("hazelcast.local.localAddress", address);
    member.getInterfaces().setEnabled(true).addInterface(address);
  }

  private static boolean isLoopback(String member) {
    String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
    return host.equals("localhost") || host.startsWith("127.");
  }
}

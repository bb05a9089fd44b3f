package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import java.util.List;

/**
 * Builds the Hazelcast member configuration from the gateway's settings: TCP-IP join from
 * {@code SSE_CLUSTER_MEMBERS}, Kubernetes DNS discovery from {@code SSE_CLUSTER_DNS}, or alone.
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

    // Server-side cursors of clients that never come back expire with the history they point into.
    long cursorTtlSeconds = Math.max(60, settings.longValue(Setting.HISTORY_TTL_MS) / 1000);
    config.addMapConfig(new MapConfig("sse-cursors").setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, cursorTtlSeconds)));

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(settings.intValue(Setting.CLUSTER_PORT)).setPortAutoIncrement(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);

    List<String> members = settings.list(Setting.CLUSTER_MEMBERS);
    if (settings.isSet(Setting.CLUSTER_DNS)) {
      join.getKubernetesConfig().setEnabled(true)
          .setProperty("service-dns", settings.string(Setting.CLUSTER_DNS))
          .setProperty("service-port", settings.string(Setting.CLUSTER_PORT));
    } else if (!members.isEmpty()) {
      join.getTcpIpConfig().setEnabled(true).setMembers(members).setConnectionTimeoutSeconds(2);
      if (members.stream().allMatch(HazelcastConfigFactory::isLoopback)) {
        bindLoopback(config);
      }
    } else {
      // Alone: keep the member private to this machine.
      bindLoopback(config);
    }
    return config;
  }

  private static void bindLoopback(Config config) {
    config.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
  }

  private static boolean isLoopback(String member) {
    String host = member.contains(":") ? member.substring(0, member.lastIndexOf(':')) : member;
    return host.equals("localhost") || host.startsWith("127.");
  }
}

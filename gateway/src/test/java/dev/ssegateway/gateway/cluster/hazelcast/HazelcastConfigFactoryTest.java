package dev.ssegateway.gateway.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.ServerSocketEndpointConfig;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.ProtocolType;
import dev.ssegateway.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Hazelcast member config: one member endpoint, no client endpoint, one bound address")
class HazelcastConfigFactoryTest {

  private static Config config(Map<String, String> env) {
    return HazelcastConfigFactory.create(GatewayConfig.from(env));
  }

  private static ServerSocketEndpointConfig member(Config c) {
    return (ServerSocketEndpointConfig) c.getAdvancedNetworkConfig().getEndpointConfigs().get(EndpointQualifier.MEMBER);
  }

  @Test
  @DisplayName("every mode: advanced network on, only the MEMBER endpoint, wildcard binding off")
  void membersOnly() {
    for (Map<String, String> env : java.util.List.of(
        Map.<String, String>of(),
        Map.of("SSE_CLUSTER_MEMBERS", "10.0.0.2:5701,10.0.0.3:5701"),
        Map.of("SSE_CLUSTER_DNS", "sse-hazelcast.events.svc.cluster.local", "SSE_CLUSTER_BIND", "10.0.0.7"))) {
      Config c = config(env);
      assertThat(c.getAdvancedNetworkConfig().isEnabled()).isTrue();
      assertThat(c.getAdvancedNetworkConfig().getEndpointConfigs().keySet())
          .allMatch(q -> q.getType() == ProtocolType.MEMBER);
      assertThat(c.getProperty("hazelcast.socket.bind.any")).isEqualTo("false");
      assertThat(c.getProperty("hazelcast.socket.server.bind.any")).isEqualTo("false");
    }
  }

  @Test
  @DisplayName("alone: 127.0.0.1; SSE_CLUSTER_BIND: that address; non-loopback members without it: Hazelcast picks one")
  void boundAddress() {
    assertThat(member(config(Map.of())).getInterfaces().getInterfaces()).containsExactly("127.0.0.1");
    Config dns = config(Map.of("SSE_CLUSTER_DNS", "x.svc", "SSE_CLUSTER_BIND", "10.0.0.7"));
    assertThat(member(dns).getInterfaces().getInterfaces()).containsExactly("10.0.0.7");
    assertThat(dns.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.7");
    assertThat(member(config(Map.of("SSE_CLUSTER_MEMBERS", "10.0.0.2:5701"))).getInterfaces().isEnabled()).isFalse();
  }
}

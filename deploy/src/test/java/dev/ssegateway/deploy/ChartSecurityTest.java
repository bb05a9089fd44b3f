package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.config.Setting;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Chart security: the member port closed to all but the release's pods; trusted proxies for client addresses")
class ChartSecurityTest {

  @Test
  @DisplayName("the default render ships a NetworkPolicy: member port from the release's pods only, HTTP port from anywhere")
  void memberPortOnlyFromOwnPods() {
    Chart.Manifests m = Chart.render(null);
    Map<String, Object> policy = m.one("NetworkPolicy");
    Map<String, Object> podLabels = Y.map(Y.get(m.gateway(), "spec.selector.matchLabels"));
    assertThat(Y.map(Y.get(policy, "spec.podSelector.matchLabels"))).isEqualTo(podLabels);
    assertThat(Y.list(policy, "spec.policyTypes")).containsExactly("Ingress");

    List<Object> rules = Y.list(policy, "spec.ingress");
    assertThat(rules).hasSize(2);
    Object member = rules.stream().filter(r -> "hazelcast".equals(Y.str(r, "ports.0.port"))).findFirst().orElseThrow();
    List<Object> from = Y.list(member, "from");
    assertThat(from).as("one peer: the release's own pods").hasSize(1);
    assertThat(Y.map(Y.get(from.get(0), "podSelector.matchLabels"))).isEqualTo(podLabels);
    assertThat(Y.map(from.get(0))).doesNotContainKeys("namespaceSelector", "ipBlock");

    Object http = rules.stream().filter(r -> "http".equals(Y.str(r, "ports.0.port"))).findFirst().orElseThrow();
    assertThat(Y.map(http)).as("clients reach the HTTP port from anywhere by default").doesNotContainKey("from");
    // The named ports the policy refers to exist on the container.
    assertThat(Y.list(m.gatewayContainer(), "ports").stream().map(p -> Y.str(p, "name")))
        .contains("hazelcast", "http");
  }

  @Test
  @DisplayName("the member binds the pod IP (SSE_CLUSTER_BIND from status.podIP), a setting the gateway knows")
  void memberBindsPodIp() {
    Map<String, String> env = Chart.render(null).gatewayEnv();
    assertThat(GatewaySettings.exists(Setting.CLUSTER_BIND.env())).isTrue();
    assertThat(env.get(Setting.CLUSTER_BIND.env())).contains("status.podIP");
  }

  @Test
  @DisplayName("networkPolicy.httpFrom narrows the HTTP port; networkPolicy.enabled=false renders none")
  void httpFromAndOff() {
    Chart.Manifests narrowed = Chart.render(null,
        "networkPolicy.httpFrom[0].namespaceSelector.matchLabels.team", "ingress");
    Object http = Y.list(narrowed.one("NetworkPolicy"), "spec.ingress").stream()
        .filter(r -> "http".equals(Y.str(r, "ports.0.port"))).findFirst().orElseThrow();
    assertThat(Y.list(http, "from")).hasSize(1);
    assertThat(Chart.render(null, "networkPolicy.enabled", false).all("NetworkPolicy")).isEmpty();
  }

  @Test
  @DisplayName("by default the chart trusts X-Forwarded-For from the private ranges (where an ingress sits), in a form the gateway accepts; empty trusts none")
  void trustedProxies() {
    String value = Chart.render(null).gatewayEnv().get(Setting.TRUSTED_PROXIES.env());
    assertThat(value).contains("10.0.0.0/8").contains("172.16.0.0/12").contains("192.168.0.0/16");
    // The gateway parses it at start: a bad block would stop every pod.
    dev.ssegateway.gateway.config.GatewayConfig config = dev.ssegateway.gateway.config.GatewayConfig.from(
        Map.of(Setting.TRUSTED_PROXIES.env(), value));
    assertThat(config.list(Setting.TRUSTED_PROXIES)).hasSizeGreaterThanOrEqualTo(3);
    assertThat(Chart.render(null, "gateway.trustedProxies", "").gatewayEnv())
        .doesNotContainKey(Setting.TRUSTED_PROXIES.env());
  }
}

package dev.ssegateway.gateway.cluster.hazelcast;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Server-side cursors live as long as the history they point into")
class CursorTtlTest {

  @Test
  @DisplayName("SSE_HISTORY_TTL_MS=0 (no age limit): cursors never expire, not after 60 s")
  void zeroMeansNever() {
    assertThat(HazelcastConfigFactory.create(GatewayConfig.from(Map.of("SSE_HISTORY_TTL_MS", "0")))
        .getMapConfig(HazelcastClusterState.CURSORS_MAP).getTimeToLiveSeconds()).isZero();
  }

  @Test
  @DisplayName("an age limit gives the cursors the same lifetime, at least a minute")
  void ageLimit() {
    assertThat(HazelcastConfigFactory.create(GatewayConfig.from(Map.of()))
        .getMapConfig(HazelcastClusterState.CURSORS_MAP).getTimeToLiveSeconds()).isEqualTo(3600);
    assertThat(HazelcastConfigFactory.cursorTtlSeconds(1000)).isEqualTo(60);
  }
}

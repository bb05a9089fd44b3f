package dev.ssegateway.gateway.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.GatewayNode;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.vertx.HookStatus.State;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pins the Vert.x/Netty internals the gateway relies on: a real node serves a plain-text
 * HTTP/1.1 event stream (accept hook, protocol detection, pipeline names, lean write queue,
 * direct chunks, shared buffers, the abort's preconditions), and every hook must then report
 * ACTIVE. A Vert.x or Netty upgrade that makes any of them fall back fails here, by name, instead
 * of silently costing memory, the fast path or strict framing.
 */
@DisplayName("Every Vert.x internal hook is active on the pinned versions")
class VertxInternalsTest {

  @Test
  @DisplayName("a plain-text HTTP/1.1 stream on a real node leaves every hook ACTIVE")
  void everyHookIsActive() {
    try (Gateways gateways = new Gateways()) {
      GatewayNode node = gateways.startOne(Map.of());
      try (RawSseStream stream = RawSseStream.open(node.port(), "/events?topic=internals")) {
        assertThat(stream.status()).isEqualTo(200);
        stream.awaitLive(Duration.ofSeconds(10));
        assertThat(Http.publish(node.port(), "{\"topic\":\"internals\",\"data\":\"pinned\"}").statusCode())
            .isBetween(200, 299);
        stream.awaitCount(1, Duration.ofSeconds(10));
        assertThat(stream.events().get(0).data()).isEqualTo("pinned");
      }
      Map<Hook, HookStatus> hooks = VertxInternals.hooks();
      hooks.forEach((hook, status) -> System.out.printf("%-20s %s%n", hook.id(), status));
      assertThat(hooks).hasSize(Hook.values().length);
      hooks.forEach((hook, status) -> assertThat(status.state())
          .as("%s: %s -- %s", hook.id(), status, hook.what()).isEqualTo(State.ACTIVE));
    }
  }
}

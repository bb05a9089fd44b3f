package dev.ssegateway.gateway;

import dev.ssegateway.gateway.config.Setting;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node does on SIGTERM. */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  static void drainAndStop(GatewayNode node) {
    log.info("SIGTERM: draining, then shutting down");
    long limitMs = node.config().longValue(Setting.DRAIN_MS) + 10_000;
    try {
      node.drainAndStop().toCompletionStage().toCompletableFuture().get(limitMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("Clean stop did not finish: {}", e.toString());
    }
  }
}

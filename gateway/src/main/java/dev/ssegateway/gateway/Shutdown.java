package dev.ssegateway.gateway;

import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What a node does on SIGTERM. */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

  private Shutdown() {}

  static void drainAndStop(GatewayNode node) {
    log.info("Shutting down");
    node.readiness().startDraining();
    try {
      node.stop().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("Clean stop did not finish: {}", e.toString());
    }
  }
}

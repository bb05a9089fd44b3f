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
      return; // the JVM exits with 143 (killed by SIGTERM): an orchestrator sees the unclean stop
    }
    log.info("Drained and stopped");
    // A drain that finished is a clean stop: exit 0, not the 143 of "killed by SIGTERM" that
    // Kubernetes and systemd report as a failure. halt, because exit() inside a hook would block.
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logback) {
      logback.stop(); // flushes the log lines above
    }
    Runtime.getRuntime().halt(0);
  }
}

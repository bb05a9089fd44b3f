package dev.ssegateway.gateway;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.config.StartLine;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar sse-gateway.jar}: starts one node configured from environment variables. */
public final class Main {
  private Main() {}

  public static void main(String[] args) throws Exception {
    // Netty's leak detector tags every written buffer; the profile of a 10k-subscriber fan-out
    // showed that bookkeeping at 8 % of the CPU. It is a debugging aid: off in production unless
    // asked for with -Dio.netty.leakDetection.level (the tests keep Netty's default).
    if (System.getProperty("io.netty.leakDetection.level") == null) {
      System.setProperty("io.netty.leakDetection.level", "disabled");
    }
    if ("json".equalsIgnoreCase(System.getenv(Setting.LOG_FORMAT.env()))) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    // Settings first, before logging starts: a bad value exits at once with its one line.
    GatewayConfig config;
    try {
      config = GatewayConfig.fromEnvironment();
    } catch (IllegalArgumentException e) {
      // One line, no stack trace: the variable, the problem, what is accepted.
      System.err.println("sse-gateway: invalid setting " + String.valueOf(e.getMessage()).replaceAll("[\\r\\n]+", " "));
      System.exit(2);
      return;
    }
    Logger log = LoggerFactory.getLogger(Main.class);
    GatewayNode node;
    try {
      node = GatewayNode.start(config).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    } catch (Exception e) {
      Throwable cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
      log.error("sse-gateway failed to start: {}", cause.toString());
      log.debug("Start failure", cause);
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(() -> Shutdown.drainAndStop(node), "sse-shutdown"));
    String url = "http://localhost:" + node.port() + "/";
    log.info(StartLine.describe(config, url));
    if (config.publishKeyGenerated()) {
      // Printed once, like Jupyter's token, so that dev mode works with no settings.
      log.info("Publish key (generated; set SSE_PUBLISH_KEY to choose one): {}", config.string(Setting.PUBLISH_KEY));
      log.info("Try: curl -N '{}events?topic=demo'  and  curl -H 'Authorization: Bearer {}' -d '{\"topic\":\"demo\",\"data\":\"hello\"}' {}publish",
          url, config.string(Setting.PUBLISH_KEY), url);
    }
  }
}

package dev.ssegateway.gateway.broker.redis;

import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;

/** Turns {@code SSE_REDIS_*} settings into Vert.x Redis client options for each topology. */
final class RedisOptionsFactory {
  private RedisOptionsFactory() {}

  static RedisOptions create(GatewayConfig config) {
    RedisOptions options = new RedisOptions()
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000);
    options.getNetClientOptions().setConnectTimeout(2000).setTcpKeepAlive(true).setTcpNoDelay(true);
    config.list(Setting.REDIS_URL).forEach(options::addConnectionString);
    switch (config.string(Setting.REDIS_MODE)) {
      case "cluster" -> options.setType(RedisClientType.CLUSTER);
      case "sentinel" -> options.setType(RedisClientType.SENTINEL)
          .setMasterName(config.string(Setting.REDIS_MASTER))
          .setRole(RedisRole.MASTER);
      default -> options.setType(RedisClientType.STANDALONE);
    }
    return options;
  }
}

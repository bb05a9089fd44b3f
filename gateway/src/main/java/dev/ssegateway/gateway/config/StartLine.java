package dev.ssegateway.gateway.config;

import java.util.List;

/**
 * The line a node logs when it is ready: where it listens and how it is set up, so that an
 * operator sees at a glance the broker, the cluster, whether tokens are required (and which
 * algorithms), CORS and the public topics. Secrets never appear.
 */
public final class StartLine {
  private StartLine() {}

  public static String describe(GatewayConfig config, String url) {
    return "sse-gateway node " + config.nodeId() + " ready on " + url
        + " | broker: " + broker(config)
        + " | cluster: " + cluster(config)
        + " | auth: " + auth(config)
        + " | CORS: " + list(config.list(Setting.CORS_ORIGINS), "closed (same origin only)")
        + " | public topics: " + list(config.list(Setting.PUBLIC_TOPICS), config.tokensRequired() || config.isSet(Setting.AUTH_HOOK_URL) ? "none" : "all (no tokens)")
        + " | history: " + config.string(Setting.HISTORY_SIZE) + " events, "
        + (config.longValue(Setting.HISTORY_TTL_MS) == 0 ? "no age limit" : config.string(Setting.HISTORY_TTL_MS) + " ms");
  }

  static String broker(GatewayConfig config) {
    if (!config.isSet(Setting.REDIS_URL)) {
      return "memory (dev mode, single node)";
    }
    String mode = config.string(Setting.REDIS_MODE);
    return "redis " + mode + " " + RedisUrls.withoutPasswords(config.list(Setting.REDIS_URL))
        + (mode.equals("sentinel") ? " master " + config.string(Setting.REDIS_MASTER) : "")
        + " prefix '" + config.string(Setting.REDIS_PREFIX) + "'";
  }

  static String cluster(GatewayConfig config) {
    if (config.isSet(Setting.CLUSTER_DNS)) {
      return "'" + config.string(Setting.CLUSTER_NAME) + "' via DNS " + config.string(Setting.CLUSTER_DNS);
    }
    if (config.isSet(Setting.CLUSTER_MEMBERS)) {
      return "'" + config.string(Setting.CLUSTER_NAME) + "' with members " + String.join(",", config.list(Setting.CLUSTER_MEMBERS));
    }
    return "alone";
  }

  static String auth(GatewayConfig config) {
    if (config.isSet(Setting.AUTH_HOOK_URL)) {
      java.net.URI hook = java.net.URI.create(config.string(Setting.AUTH_HOOK_URL));
      // Scheme, host, port and path: a query string may carry a secret.
      String shown = hook.getScheme() + "://" + hook.getHost() + (hook.getPort() < 0 ? "" : ":" + hook.getPort())
          + (hook.getRawPath() == null ? "" : hook.getRawPath());
      return (config.tokensRequired() ? authByTokens(config) + "; without a valid token: " : "")
          + "auth hook " + shown + " decides";
    }
    return authByTokens(config);
  }

  private static String authByTokens(GatewayConfig config) {
    if (!config.tokensRequired()) {
      return "no tokens: anyone may subscribe to any topic (dev mode); publishing needs the publish key";
    }
    StringBuilder algs = new StringBuilder();
    if (config.isSet(Setting.JWT_SECRET)) {
      algs.append("HS256 (secret)");
    }
    if (config.isSet(Setting.JWT_PUBLIC_KEY_FILE)) {
      algs.append(algs.isEmpty() ? "" : ", ").append(config.string(Setting.JWT_ALGORITHM)).append(" (key file)");
    }
    if (config.isSet(Setting.JWT_JWKS_URL)) {
      algs.append(algs.isEmpty() ? "" : ", ").append("RS/ES256-512 (JWKS ").append(config.string(Setting.JWT_JWKS_URL)).append(")");
    }
    return "tokens required, " + algs
        + (config.isSet(Setting.JWT_ISSUER) ? ", iss " + config.string(Setting.JWT_ISSUER) : "")
        + (config.isSet(Setting.JWT_AUDIENCE) ? ", aud " + config.string(Setting.JWT_AUDIENCE) : "");
  }

  private static String list(List<String> values, String whenEmpty) {
    return values.isEmpty() ? whenEmpty : String.join(",", values);
  }
}

package dev.ssegateway.gateway.config;

import java.net.InetAddress;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The settings of one node, read once at start from environment variables (or from a map in
 * tests). A bad value stops the node at start with one line naming the variable, the problem and
 * what is accepted ({@link InvalidSettingException}; the checks beyond numbers are in
 * {@link SettingChecks}), before anything listens, rather than surfacing later as odd behaviour.
 */
public final class GatewayConfig {
  private final Map<Setting, String> values;
  private final boolean publishKeyGenerated;

  private GatewayConfig(Map<Setting, String> values, boolean publishKeyGenerated) {
    this.values = values;
    this.publishKeyGenerated = publishKeyGenerated;
  }

  public static GatewayConfig fromEnvironment() {
    return from(System.getenv());
  }

  /** Reads settings from {@code env} (keys are environment variable names); blank means unset. */
  public static GatewayConfig from(Map<String, String> env) {
    Map<Setting, String> values = new HashMap<>();
    for (Setting s : Setting.values()) {
      String v = env.get(s.env());
      if (v != null && !v.isBlank()) {
        values.put(s, v.trim());
      } else if (s.defaultValue() != null) {
        values.put(s, s.defaultValue());
      }
    }
    boolean generated = false;
    if (!values.containsKey(Setting.PUBLISH_KEY)) {
      values.put(Setting.PUBLISH_KEY, randomKey());
      generated = true;
    }
    if (!values.containsKey(Setting.NODE_ID)) {
      values.put(Setting.NODE_ID, hostname() + "-" + randomKey().substring(0, 6));
    }
    GatewayConfig config = new GatewayConfig(values, generated);
    config.validate();
    return config;
  }

  private void validate() {
    intValue(Setting.HTTP_PORT, 0, 65535);
    intValue(Setting.CLUSTER_PORT, 1, 65535);
    intValue(Setting.HISTORY_SIZE, 1, 10_000_000);
    longValue(Setting.HISTORY_TTL_MS, 0, Long.MAX_VALUE);
    longValue(Setting.CURSOR_TTL_MS, 60_000, 7L * 86_400_000);
    intValue(Setting.MAX_CURSORS_PER_OWNER, 1, 10_000);
    intValue(Setting.MAX_CURSORS, 1000, 100_000_000);
    intValue(Setting.MAX_DATA_BYTES, 1, 16 * 1024 * 1024);
    intValue(Setting.MAX_TOPICS, 1, 1024);
    intValue(Setting.MAX_BATCH_EVENTS, 1, 10_000);
    longValue(Setting.HEARTBEAT_MS, 100, 3_600_000);
    longValue(Setting.RETRY_MS, 0, 86_400_000);
    intValue(Setting.CLIENT_QUEUE_BYTES, 1024, Integer.MAX_VALUE);
    longValue(Setting.STATS_INTERVAL_MS, 50, 600_000);
    longValue(Setting.DRAIN_MS, 0, 3_600_000);
    intValue(Setting.MAX_CONNECTIONS, 1, 10_000_000);
    intValue(Setting.MAX_CONNECTIONS_PER_USER, 0, 1_000_000);
    intValue(Setting.MAX_CONNECTIONS_PER_ADDRESS, 0, 10_000_000);
    for (String block : list(Setting.TRUSTED_PROXIES)) {
      try {
        dev.ssegateway.gateway.limits.Cidr.parse(block);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(Setting.TRUSTED_PROXIES.env() + ": " + e.getMessage());
      }
    }
    intValue(Setting.PUBLISH_RATE, 0, 10_000_000);
    intValue(Setting.MAX_REQUEST_LINE, 256, 1_048_576);
    intValue(Setting.MAX_HEADER_BYTES, 1024, 1_048_576);
    // A share is rewritten whole on each change: 10,000 entries is ~400 KB per write.
    intValue(Setting.PRESENCE_MAX_LISTED, 0, 10_000);
    intValue(Setting.PRESENCE_EVENTS_PER_SECOND, 0, 10_000);
    longValue(Setting.JWT_JWKS_REFRESH_MS, 1000, 86_400_000);
    longValue(Setting.AUTH_HOOK_TIMEOUT_MS, 50, 60_000);
    intValue(Setting.AUTH_HOOK_CACHE_SIZE, 0, 10_000_000);
    intValue(Setting.AUTH_HOOK_BREAKER_FAILURES, 1, 1_000_000);
    longValue(Setting.AUTH_HOOK_BREAKER_OPEN_MS, 100, 3_600_000);
    longValue(Setting.HEADER_TIMEOUT_MS, 100, 3_600_000);
    longValue(Setting.BODY_TIMEOUT_MS, 100, 3_600_000);
    longValue(Setting.KEEPALIVE_IDLE_MS, 100, 3_600_000);
    intValue(Setting.MAX_PENDING_REQUESTS, 1, 10_000_000);
    longValue(Setting.MAX_BUFFERED_BYTES, 65_536, Long.MAX_VALUE);
    intValue(Setting.AUTH_FAILURE_RATE, 0, 1_000_000);
    intValue(Setting.CORS_MAX_AGE_SECONDS, 0, 86_400);
    if (!List.of("true", "false").contains(string(Setting.DEMO_PAGE))) {
      throw new IllegalArgumentException(Setting.DEMO_PAGE.env() + " must be true or false");
    }
    if (isSet(Setting.TLS_CERT) != isSet(Setting.TLS_KEY)) {
      throw new InvalidSettingException(isSet(Setting.TLS_CERT) ? Setting.TLS_KEY : Setting.TLS_CERT, "is unset while "
          + (isSet(Setting.TLS_CERT) ? "SSE_TLS_CERT" : "SSE_TLS_KEY") + " is set", "SSE_TLS_CERT and SSE_TLS_KEY both set or both unset");
    }
    if (!List.of("RS256", "ES256").contains(string(Setting.JWT_ALGORITHM))) {
      throw new InvalidSettingException(Setting.JWT_ALGORITHM, "'" + string(Setting.JWT_ALGORITHM) + "' is not a known value",
          "RS256, ES256");
    }
    if (values.containsKey(Setting.EVENT_LOOPS)) {
      intValue(Setting.EVENT_LOOPS, 1, 1024);
    }
    if (isSet(Setting.CLUSTER_BIND) && !string(Setting.CLUSTER_BIND).matches("[0-9A-Fa-f.:]+")) {
      throw new IllegalArgumentException(Setting.CLUSTER_BIND.env() + " must be an IP address of this host, not '"
          + string(Setting.CLUSTER_BIND) + "'");
    }
    String mode = string(Setting.REDIS_MODE);
    if (!List.of("standalone", "cluster", "sentinel").contains(mode)) {
      throw new InvalidSettingException(Setting.REDIS_MODE, "'" + mode + "' is not a known value",
          "standalone, cluster, sentinel");
    }
    new SettingChecks(this).checkAll();
  }

  public String string(Setting s) {
    return values.get(s);
  }

  public boolean isSet(Setting s) {
    return values.containsKey(s);
  }

  public int intValue(Setting s) {
    return Integer.parseInt(values.get(s));
  }

  public long longValue(Setting s) {
    return Long.parseLong(values.get(s));
  }

  /** Comma-separated list, empty when unset. */
  public List<String> list(Setting s) {
    String v = values.get(s);
    if (v == null) {
      return List.of();
    }
    return Arrays.stream(v.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
  }

  /** Whether subscribing needs a token: some way to verify JWTs is configured. */
  public boolean tokensRequired() {
    return isSet(Setting.JWT_SECRET) || isSet(Setting.JWT_PUBLIC_KEY_FILE) || isSet(Setting.JWT_JWKS_URL);
  }

  /**
   * Whether the operator configured any credential (a publish key of their own, or JWT
   * verification, or an admin key, or an auth hook): then /stats and /metrics are no longer open to anyone.
   */
  public boolean credentialsConfigured() {
    return !publishKeyGenerated || tokensRequired() || isSet(Setting.ADMIN_KEY) || isSet(Setting.AUTH_HOOK_URL);
  }

  public boolean publishKeyGenerated() {
    return publishKeyGenerated;
  }

  public int eventLoops() {
    return isSet(Setting.EVENT_LOOPS)
        ? intValue(Setting.EVENT_LOOPS)
        : Runtime.getRuntime().availableProcessors();
  }

  public String nodeId() {
    return string(Setting.NODE_ID);
  }

  private int intValue(Setting s, int min, int max) {
    long v = longValue(s, min, max);
    return (int) v;
  }

  private long longValue(Setting s, long min, long max) {
    String raw = values.get(s);
    String accepted = "a whole number from " + min + " to " + max;
    long v;
    try {
      v = Long.parseLong(raw);
    } catch (NumberFormatException e) {
      throw new InvalidSettingException(s, "'" + raw + "' is not a whole number", accepted);
    }
    if (v < min || v > max) {
      throw new InvalidSettingException(s, v + " is out of range", accepted);
    }
    return v;
  }

  private static String randomKey() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (Exception e) {
      return "node";
    }
  }
}

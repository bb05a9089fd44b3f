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
 * what is accepted ({@link InvalidSettingException}, from {@link SettingChecks}), before anything
 * listens, rather than surfacing later as odd behaviour.
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

package dev.ssegateway.deploy;

import dev.ssegateway.gateway.config.Setting;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** The gateway's own settings catalog, the single source of truth the deploy files are checked against. */
final class GatewaySettings {
  private GatewaySettings() {}

  static Set<String> envNames() {
    return Arrays.stream(Setting.values()).map(Setting::env).collect(Collectors.toSet());
  }

  static boolean exists(String env) {
    return envNames().contains(env);
  }

  static Optional<Setting> byEnv(String env) {
    return Arrays.stream(Setting.values()).filter(s -> s.env().equals(env)).findFirst();
  }

  static int intDefault(Setting s) {
    return Integer.parseInt(s.defaultValue());
  }

  static long longDefault(Setting s) {
    return Long.parseLong(s.defaultValue());
  }
}

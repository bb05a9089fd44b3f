package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ssegateway.gateway.config.Setting;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Chart rules: defaults, rollouts on config changes, refused configurations")
class ChartRulesTest {

  private static String checksum(Chart.Manifests m, String which) {
    return Y.str(m.gateway(), "spec.template.metadata.annotations.checksum/" + which);
  }

  @Test
  @DisplayName("the default drain window is the gateway's default SSE_DRAIN_MS")
  void defaultDrainWindowIsTheGatewayDefault() {
    Map<String, String> env = Chart.render(null).gatewayEnv();
    assertThat(Long.parseLong(env.get(Setting.DRAIN_MS.env())))
        .isEqualTo(GatewaySettings.longDefault(Setting.DRAIN_MS));
    assertThat(env.get(Setting.HTTP_PORT.env())).isEqualTo(Setting.HTTP_PORT.defaultValue());
    assertThat(env.get(Setting.CLUSTER_PORT.env())).isEqualTo(Setting.CLUSTER_PORT.defaultValue());
  }

  @Test
  @DisplayName("drain.windowSeconds drives both SSE_DRAIN_MS and the grace period")
  void drainWindowDrivesEnvAndGracePeriod() {
    Chart.Manifests m = Chart.render(null, "drain.windowSeconds", 90, "drain.preStopSleepSeconds", 7);
    assertThat(m.gatewayEnv()).containsEntry(Setting.DRAIN_MS.env(), "90000");
    assertThat(Y.integer(m.gateway(), "spec.template.spec.terminationGracePeriodSeconds")).isEqualTo(7 + 90 + 15);
    assertThat(Y.list(m.gatewayContainer(), "lifecycle.preStop.exec.command")).containsExactly("sleep", "7");
  }

  @Test
  @DisplayName("a grace period too short for the drain is refused at render time")
  void tooShortGracePeriodIsRefused() {
    assertThatThrownBy(() -> Chart.render(null, "drain.terminationGracePeriodSeconds", 35))
        .hasMessageContaining("must exceed drain.preStopSleepSeconds + drain.windowSeconds + 10 s");
    Chart.Manifests ok = Chart.render(null, "drain.terminationGracePeriodSeconds", 36);
    assertThat(Y.integer(ok.gateway(), "spec.template.spec.terminationGracePeriodSeconds")).isEqualTo(36);
  }

  @Test
  @DisplayName("changing a gateway setting changes the config checksum, so the pods roll")
  void configChangeRollsPods() {
    String base = checksum(Chart.render(null), "config");
    assertThat(base).matches("[0-9a-f]{64}");
    assertThat(checksum(Chart.render(null, "gateway.config.SSE_HISTORY_SIZE", "2000"), "config")).isNotEqualTo(base);
    assertThat(checksum(Chart.render(null, "gateway.logFormat", "text"), "config")).isNotEqualTo(base);
    assertThat(checksum(Chart.render(null, "drain.windowSeconds", 30), "config")).isNotEqualTo(base);
    assertThat(checksum(Chart.render(null, "podLabels.team", "events"), "config"))
        .as("a value outside the config leaves the checksum alone")
        .isEqualTo(base);
  }

  @Test
  @DisplayName("the secret checksum is stable across renders although the generated key is random")
  void secretChecksumIsStableButFollowsInputs() {
    Chart.Manifests a = Chart.render(null, "podLabels.x", "a");
    Chart.Manifests b = Chart.render(null, "podLabels.x", "b");
    String keyA = Y.str(a.byName("Secret", "sse-sse-gateway"), "data.publish-key");
    String keyB = Y.str(b.byName("Secret", "sse-sse-gateway"), "data.publish-key");
    assertThat(new String(Base64.getDecoder().decode(keyA))).hasSize(40);
    assertThat(keyA).as("no lookup outside a cluster: a fresh key per render").isNotEqualTo(keyB);
    assertThat(checksum(a, "secret")).isEqualTo(checksum(b, "secret"));
    assertThat(checksum(Chart.render(null, "auth.publishKey", "k1"), "secret")).isNotEqualTo(checksum(a, "secret"));
  }

  @Test
  @DisplayName("a given publish key is stored as is; an existing Secret replaces the chart's own")
  void publishKeySources() {
    Chart.Manifests given = Chart.render(null, "auth.publishKey", "my-key");
    assertThat(Y.str(given.byName("Secret", "sse-sse-gateway"), "data.publish-key"))
        .isEqualTo(Base64.getEncoder().encodeToString("my-key".getBytes()));
    Chart.Manifests existing = Chart.render(null, "auth.existingSecret", "mine");
    assertThat(existing.byName("Secret", "sse-sse-gateway")).isNull();
    assertThat(existing.gatewayEnv().get("SSE_PUBLISH_KEY")).contains("name=mine");
  }

  @Test
  @DisplayName("the admin key (SSE_ADMIN_KEY) is in the Secret, given to the pods, and sent by the ServiceMonitor")
  void adminKeyReachesPodsAndServiceMonitor() {
    Chart.Manifests m = Chart.render(null, "serviceMonitor.enabled", true, "auth.adminKey", "admin-k");
    assertThat(Y.str(m.byName("Secret", "sse-sse-gateway"), "data.admin-key"))
        .isEqualTo(Base64.getEncoder().encodeToString("admin-k".getBytes()));
    assertThat(m.gatewayEnv().get("SSE_ADMIN_KEY")).contains("name=sse-sse-gateway").contains("key=admin-key");
    Object endpoint = Y.list(m.one("ServiceMonitor"), "spec.endpoints").get(0);
    assertThat(Y.str(endpoint, "authorization.type")).isEqualTo("Bearer");
    assertThat(Y.str(endpoint, "authorization.credentials.key")).isEqualTo("admin-key");
    assertThat(Y.str(endpoint, "authorization.credentials.name")).isEqualTo("sse-sse-gateway");
    String generated = Y.str(Chart.render(null).byName("Secret", "sse-sse-gateway"), "data.admin-key");
    assertThat(new String(Base64.getDecoder().decode(generated))).hasSize(40);
  }

  @Test
  @DisplayName("several pods without a Redis are refused: they would not share events")
  void manyPodsNeedRedis() {
    assertThatThrownBy(() -> Chart.render(null, "replicaCount", 3)).hasMessageContaining("more than one pod needs a Redis");
    assertThatThrownBy(() -> Chart.render(null, "autoscaling.enabled", true)).hasMessageContaining("needs a Redis");
    Chart.Manifests single = Chart.render(null);
    assertThat(single.gatewayEnv()).doesNotContainKey(Setting.REDIS_URL.env());
  }

  @Test
  @DisplayName("the Redis URL goes to a Secret, never to the ConfigMap")
  void redisUrlIsSecret() {
    Chart.Manifests m = Chart.render(null, "redis.url", "redis://:pw@r:6379", "replicaCount", 2);
    assertThat(m.text).doesNotContain("redis://:pw@r:6379");
    assertThat(m.gatewayEnv().get("SSE_REDIS_URL")).startsWith("valueFrom:").contains("sse-sse-gateway-redis");
    assertThat(Y.str(m.byName("Secret", "sse-sse-gateway-redis"), "data.redis-url"))
        .isEqualTo(Base64.getEncoder().encodeToString("redis://:pw@r:6379".getBytes()));
  }

  @Test
  @DisplayName("settings the chart derives itself cannot be overridden through gateway.config")
  void derivedSettingsAreNotOverridable() {
    assertThatThrownBy(() -> Chart.render(null, "gateway.config.SSE_DRAIN_MS", "1000"))
        .hasMessageContaining("gateway.config.SSE_DRAIN_MS is set by the chart");
    assertThatThrownBy(() -> Chart.render(null, "gateway.config.SSE_HTTP_PORT", "9090"))
        .hasMessageContaining("set by the chart");
  }

  @Test
  @DisplayName("the schema refuses non-SSE config keys, short proxy timeouts and maxUnavailable > 0")
  void schemaRefusesUnsafeValues() {
    assertThatThrownBy(() -> Chart.render(null, "gateway.config.HISTORY_SIZE", "1")).hasMessageContaining("schema");
    assertThatThrownBy(() -> Chart.render(null, "ingress.streamTimeoutSeconds", 60)).hasMessageContaining("schema");
    assertThatThrownBy(() -> Chart.render(null, "updateStrategy.rollingUpdate.maxUnavailable", 1)).hasMessageContaining("schema");
    assertThatThrownBy(() -> Chart.render(null, "noSuchValue", 1)).hasMessageContaining("schema");
  }

  @Test
  @DisplayName("JWT settings are rendered only once the gateway knows them")
  void jwtSettingsExistInGateway() {
    assumeTrue(GatewaySettings.exists("SSE_JWT_SECRET"),
        "the gateway has no SSE_JWT_SECRET setting yet: auth.jwt.* stays off until it lands");
    Chart.Manifests m = Chart.render(null, "auth.jwt.enabled", true, "auth.jwt.publicTopics", "news");
    assertThat(m.gatewayEnv().keySet().stream().filter(k -> k.startsWith("SSE_")))
        .allMatch(GatewaySettings::exists);
    assertThat(Y.str(m.byName("Secret", "sse-sse-gateway"), "data.jwt-secret")).isNotBlank();
  }

  @Test
  @DisplayName("auth.hook renders the gateway's SSE_AUTH_HOOK_* settings only when a URL is set")
  void authHook() {
    assertThat(Chart.render(null).gatewayEnv().keySet()).noneMatch(k -> k.startsWith("SSE_AUTH_HOOK_"));
    Chart.Manifests m = Chart.render(null, "auth.hook.url", "http://app.default.svc:8000/sse/authorize",
        "auth.hook.headers", "Authorization,X-Requested-With", "auth.hook.cookies", "session", "auth.hook.timeoutMs", 1500);
    assertThat(m.gatewayEnv())
        .containsEntry("SSE_AUTH_HOOK_URL", "http://app.default.svc:8000/sse/authorize")
        .containsEntry("SSE_AUTH_HOOK_HEADERS", "Authorization,X-Requested-With")
        .containsEntry("SSE_AUTH_HOOK_COOKIES", "session")
        .containsEntry("SSE_AUTH_HOOK_TIMEOUT_MS", "1500");
    assertThat(m.gatewayEnv().keySet().stream().filter(k -> k.startsWith("SSE_"))).allMatch(GatewaySettings::exists);
    assertThatThrownBy(() -> Chart.render(null, "auth.hook.url", "app:8000/authorize")).hasMessageContaining("schema");
  }

  @Test
  @DisplayName("each JWT mode renders its own settings, and a mode without its key is refused")
  void jwtModes() {
    assumeTrue(GatewaySettings.exists("SSE_JWT_PUBLIC_KEY_FILE") && GatewaySettings.exists("SSE_JWT_JWKS_URL"),
        "the gateway has no public-key/JWKS JWT settings yet");
    Chart.Manifests pk = Chart.render(null, "auth.jwt.enabled", true, "auth.jwt.mode", "publicKey",
        "auth.jwt.publicKey", "PEM");
    assertThat(pk.gatewayEnv()).containsKeys("SSE_JWT_PUBLIC_KEY_FILE", "SSE_JWT_ALGORITHM").doesNotContainKey("SSE_JWT_SECRET");
    assertThat(Y.str(pk.byName("Secret", "sse-sse-gateway"), "data.jwt-public-key")).isEqualTo(b64("PEM"));
    Chart.Manifests jwks = Chart.render(null, "auth.jwt.enabled", true, "auth.jwt.mode", "jwks",
        "auth.jwt.jwksUrl", "https://id.example.com/jwks");
    assertThat(jwks.gatewayEnv()).containsEntry("SSE_JWT_JWKS_URL", "https://id.example.com/jwks").doesNotContainKey("SSE_JWT_SECRET");
    assertThatThrownBy(() -> Chart.render(null, "auth.jwt.enabled", true, "auth.jwt.mode", "jwks"))
        .hasMessageContaining("needs auth.jwt.jwksUrl");
    assertThatThrownBy(() -> Chart.render(null, "auth.jwt.enabled", true, "auth.jwt.mode", "publicKey"))
        .hasMessageContaining("needs auth.jwt.publicKey");
  }

  @Test
  @DisplayName("the HPA's connection target stays below the connections a pod accepts")
  void hpaTargetBelowConnectionLimit() {
    GatewaySettings.byEnv("SSE_MAX_CONNECTIONS").ifPresent(s -> assertThat(
        Double.parseDouble(String.valueOf(Y.get(Chart.values(null), "autoscaling.connections.averageValue"))))
        .as("default HPA target vs the gateway's default SSE_MAX_CONNECTIONS")
        .isLessThan(Double.parseDouble(s.defaultValue())));
    assertThatThrownBy(() -> Chart.render(null, "redis.url", "redis://r:6379", "autoscaling.enabled", true,
        "autoscaling.connections.enabled", true, "autoscaling.connections.averageValue", "9000",
        "gateway.config.SSE_MAX_CONNECTIONS", "8000"))
        .hasMessageContaining("must stay below SSE_MAX_CONNECTIONS");
  }

  @Test
  @DisplayName("the HPA's connection metric is the gauge the gateway exports and the dashboard shows")
  void hpaConnectionMetric() {
    Chart.Manifests m = Chart.render(null, "redis.url", "redis://r:6379", "autoscaling.enabled", true,
        "autoscaling.connections.enabled", true, "autoscaling.targetCPUUtilizationPercentage", "null");
    Map<String, Object> hpa = m.one("HorizontalPodAutoscaler");
    assertThat(Y.list(hpa, "spec.metrics")).hasSize(1);
    Object metric = Y.list(hpa, "spec.metrics").get(0);
    assertThat(Y.str(metric, "pods.metric.name")).isEqualTo(GatewayMetrics.CONNECTIONS);
    assertThat(Dashboard.metricNames()).contains(GatewayMetrics.CONNECTIONS);
    assertThat(Y.integer(hpa, "spec.behavior.scaleDown.policies.0.value")).isEqualTo(1);
  }

  @Test
  @DisplayName("on upgrade, generated keys are read back from the live Secret, not regenerated")
  void generatedKeysSurviveUpgrades() {
    FakeKubeApi api = FakeKubeApi.get();
    try {
      api.putSecret(Chart.NAMESPACE, "sse-sse-gateway", Map.of("publish-key", "kept-publish-key", "jwt-secret", "kept-jwt"));
      Chart.Manifests m = Chart.render(null, "auth.jwt.enabled", true);
      Map<String, Object> secret = m.byName("Secret", "sse-sse-gateway");
      assertThat(Y.str(secret, "data.publish-key")).isEqualTo(b64("kept-publish-key"));
      assertThat(Y.str(secret, "data.jwt-secret")).isEqualTo(b64("kept-jwt"));
      assertThat(api.requests).contains("GET /api/v1/namespaces/events/secrets/sse-sse-gateway");
      Chart.Manifests explicit = Chart.render(null, "auth.publishKey", "new-key");
      assertThat(Y.str(explicit.byName("Secret", "sse-sse-gateway"), "data.publish-key"))
          .as("an explicit key wins over the stored one").isEqualTo(b64("new-key"));
    } finally {
      api.clear();
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes());
  }
}

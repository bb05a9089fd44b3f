package dev.ssegateway.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.config.Setting;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders the chart with its default values and with every ci/*-values.yaml, and checks the
 * manifests against the gateway's own settings (the Setting enum), so the chart cannot drift
 * from the code.
 */
@DisplayName("Rendered manifests agree with the gateway's settings, for every values variant")
class ChartVariantsTest {

  static Stream<Arguments> variants() {
    List<Arguments> list = new ArrayList<>();
    list.add(Arguments.of(Named.of("values.yaml (defaults)", null)));
    for (Path p : Chart.ciValues()) {
      list.add(Arguments.of(Named.of("ci/" + p.getFileName(), p)));
    }
    return list.stream();
  }

  /** The containerPort of the gateway container's port with this name. */
  private static int port(Chart.Manifests m, String name) {
    return Y.listOr(m.gatewayContainer(), "ports").stream()
        .filter(p -> name.equals(Y.str(p, "name")))
        .map(p -> Y.integer(p, "containerPort"))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no container port named " + name));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("every SSE_* variable the chart renders is a setting the gateway knows")
  void everySseEnvNameExistsInSetting(Path values) {
    Map<String, String> env = Chart.render(values).gatewayEnv();
    List<String> sse = env.keySet().stream().filter(k -> k.startsWith("SSE_")).toList();
    assertThat(sse).isNotEmpty();
    assertThat(sse).as("SSE_* names unknown to Setting.java").allMatch(GatewaySettings::exists);
    assertThat(env.keySet())
        .as("any other variable is one the JVM launcher reads")
        .allMatch(k -> k.startsWith("SSE_") || k.equals("JDK_JAVA_OPTIONS"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("container ports are the ports the node listens on, and the Services target them")
  void portsAgreeWithSettings(Path values) {
    Chart.Manifests m = Chart.render(values);
    Map<String, String> env = m.gatewayEnv();
    int http = port(m, "http");
    int cluster = port(m, "hazelcast");
    assertThat(http).isEqualTo(Integer.parseInt(env.getOrDefault(Setting.HTTP_PORT.env(), Setting.HTTP_PORT.defaultValue())));
    assertThat(cluster).isEqualTo(Integer.parseInt(env.getOrDefault(Setting.CLUSTER_PORT.env(), Setting.CLUSTER_PORT.defaultValue())));
    if (values == null) {
      assertThat(http).as("default HTTP port").isEqualTo(GatewaySettings.intDefault(Setting.HTTP_PORT));
      assertThat(cluster).as("default Hazelcast port").isEqualTo(GatewaySettings.intDefault(Setting.CLUSTER_PORT));
    }
    Map<String, Object> service = m.byName("Service", Chart.RELEASE + "-sse-gateway");
    assertThat(Y.str(Y.list(service, "spec.ports").get(0), "targetPort")).isEqualTo("http");
    Map<String, Object> headless = m.byName("Service", Chart.RELEASE + "-sse-gateway-hazelcast");
    assertThat(Y.str(headless, "spec.clusterIP")).isEqualTo("None");
    assertThat(Y.get(headless, "spec.publishNotReadyAddresses"))
        .as("members must find each other before they are ready (ready requires a joined cluster)")
        .isEqualTo(true);
    assertThat(Y.integer(Y.list(headless, "spec.ports").get(0), "port")).isEqualTo(cluster);
    // Both Services select exactly the gateway pods.
    Map<String, Object> podLabels = Y.map(Y.get(m.gateway(), "spec.template.metadata.labels"));
    for (Map<String, Object> svc : List.of(service, headless)) {
      assertThat(podLabels).containsAllEntriesOf(Y.map(Y.get(svc, "spec.selector")));
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("Hazelcast discovery points at the headless Service's DNS name")
  void clusterDnsIsTheHeadlessService(Path values) {
    Chart.Manifests m = Chart.render(values);
    String dns = m.gatewayEnv().get(Setting.CLUSTER_DNS.env());
    assertThat(dns).isEqualTo(Chart.RELEASE + "-sse-gateway-hazelcast." + Chart.NAMESPACE + ".svc.cluster.local");
    assertThat(m.gatewayEnv()).doesNotContainKey(Setting.CLUSTER_MEMBERS.env());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("probes use /health/live and /health/ready on the HTTP port")
  void probePaths(Path values) {
    Map<String, Object> c = Chart.render(values).gatewayContainer();
    boolean tls = Boolean.TRUE.equals(Y.get(Chart.values(values), "tls.enabled"));
    assertThat(tls).isEqualTo(Chart.render(values).gatewayEnv().containsKey("SSE_TLS_CERT"));
    assertThat(Y.str(c, "livenessProbe.httpGet.path")).isEqualTo("/health/live");
    assertThat(Y.str(c, "startupProbe.httpGet.path")).isEqualTo("/health/live");
    assertThat(Y.str(c, "readinessProbe.httpGet.path")).isEqualTo("/health/ready");
    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      assertThat(Y.str(c, probe + ".httpGet.port")).isEqualTo("http");
      assertThat(Y.str(c, probe + ".httpGet.scheme")).as("%s scheme follows tls.enabled", probe).isEqualTo(tls ? "HTTPS" : "HTTP");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("the grace period outlasts the preStop sleep plus the drain window the node is given")
  void gracePeriodCoversPreStopAndDrain(Path values) {
    Chart.Manifests m = Chart.render(values);
    Map<String, String> env = m.gatewayEnv();
    long drainMs = Long.parseLong(env.getOrDefault(Setting.DRAIN_MS.env(), Setting.DRAIN_MS.defaultValue()));
    List<Object> preStop = Y.list(m.gatewayContainer(), "lifecycle.preStop.exec.command");
    assertThat(preStop.get(0)).isEqualTo("sleep");
    int sleep = Integer.parseInt(String.valueOf(preStop.get(1)));
    int grace = Y.integer(m.gateway(), "spec.template.spec.terminationGracePeriodSeconds");
    assertThat(sleep).as("preStop sleep").isPositive();
    assertThat((double) grace)
        .as("grace %d s vs preStop %d s + drain %d ms", grace, sleep, drainMs)
        .isGreaterThan(sleep + drainMs / 1000.0);
    // The gateway gives itself SSE_DRAIN_MS + 10 s after SIGTERM before it stops waiting for a clean stop.
    assertThat(grace - sleep - drainMs / 1000.0).as("margin to stop Hazelcast and exit").isGreaterThan(10);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("rolling updates never take a pod away before its replacement is ready")
  void rollingUpdateKeepsCapacity(Path values) {
    Map<String, Object> d = Chart.render(values).gateway();
    assertThat(Y.str(d, "spec.strategy.type")).isEqualTo("RollingUpdate");
    assertThat(Y.str(d, "spec.strategy.rollingUpdate.maxUnavailable")).isIn("0", "0%");
    assertThat(Y.list(d, "spec.template.spec.topologySpreadConstraints"))
        .isNotEmpty()
        .allSatisfy(tsc -> assertThat(Y.map(Y.get(tsc, "labelSelector.matchLabels"))).isNotEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("a PodDisruptionBudget exists exactly when more than one pod runs")
  void pdbIffMoreThanOnePod(Path values) {
    Chart.Manifests m = Chart.render(values);
    Map<String, Object> v = Chart.values(values);
    boolean hpa = Boolean.TRUE.equals(Y.get(v, "autoscaling.enabled"));
    int pods = hpa ? Y.integer(v, "autoscaling.minReplicas") : Y.integer(m.gateway(), "spec.replicas");
    if (hpa) {
      assertThat(Y.get(m.gateway(), "spec.replicas")).as("the HPA owns replicas").isNull();
      Map<String, Object> h = m.one("HorizontalPodAutoscaler");
      assertThat(Y.integer(h, "spec.minReplicas")).isEqualTo(pods);
      assertThat(Y.str(h, "spec.scaleTargetRef.name")).isEqualTo(Y.str(m.gateway(), "metadata.name"));
    } else {
      assertThat(m.all("HorizontalPodAutoscaler")).isEmpty();
    }
    if (pods > 1) {
      Map<String, Object> pdb = m.one("PodDisruptionBudget");
      assertThat(Y.map(Y.get(m.gateway(), "spec.template.metadata.labels")))
          .containsAllEntriesOf(Y.map(Y.get(pdb, "spec.selector.matchLabels")));
    } else {
      assertThat(m.all("PodDisruptionBudget")).isEmpty();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("an Ingress carries the ingress-nginx annotations streams need")
  void ingressHasSseAnnotations(Path values) {
    Chart.Manifests m = Chart.render(values);
    boolean enabled = Boolean.TRUE.equals(Y.get(Chart.values(values), "ingress.enabled"));
    assertThat(m.all("Ingress")).hasSize(enabled ? 1 : 0);
    for (Map<String, Object> ing : m.all("Ingress")) {
      Map<String, Object> a = Y.map(Y.get(ing, "metadata.annotations"));
      assertThat(a).containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");
      assertThat(a).containsEntry("nginx.ingress.kubernetes.io/proxy-http-version", "1.1");
      for (String t : List.of("proxy-read-timeout", "proxy-send-timeout")) {
        assertThat(Integer.parseInt(String.valueOf(a.get("nginx.ingress.kubernetes.io/" + t))))
            .as(t).isGreaterThanOrEqualTo(3600);
      }
      Object snippet = a.get("nginx.ingress.kubernetes.io/configuration-snippet");
      if (Boolean.TRUE.equals(Y.get(Chart.values(values), "ingress.accelBufferingSnippet"))) {
        assertThat(String.valueOf(snippet)).contains("X-Accel-Buffering: no");
      } else {
        assertThat(snippet).isNull();
      }
      for (Object rule : Y.list(ing, "spec.rules")) {
        for (Object path : Y.list(rule, "http.paths")) {
          assertThat(Y.str(path, "backend.service.name")).isEqualTo(Chart.RELEASE + "-sse-gateway");
          assertThat(Y.str(path, "backend.service.port.name")).isEqualTo("http");
        }
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("every Secret the pods read is rendered by the chart or named as an existing one")
  void referencedSecretsExist(Path values) {
    Chart.Manifests m = Chart.render(values);
    Map<String, Object> v = Chart.values(values);
    List<String> external = Stream.of(Y.str(v, "auth.existingSecret"), Y.str(v, "redis.existingSecret"), Y.str(v, "tls.secretName"))
        .filter(s -> s != null && !s.isEmpty()).toList();
    for (Object vol : Y.listOr(m.gateway(), "spec.template.spec.volumes")) {
      String name = Y.str(vol, "secret.secretName");
      if (name == null) {
        continue;
      }
      Map<String, Object> secret = m.byName("Secret", name);
      if (secret == null) {
        assertThat(external).as("volume Secret %s is neither rendered nor an existing one", name).contains(name);
      } else {
        for (Object item : Y.listOr(vol, "secret.items")) {
          assertThat(Y.map(secret.get("data"))).as("Secret %s", name).containsKey(Y.str(item, "key"));
        }
      }
    }
    for (Object e : Y.listOr(m.gatewayContainer(), "env")) {
      String name = Y.str(e, "valueFrom.secretKeyRef.name");
      String key = Y.str(e, "valueFrom.secretKeyRef.key");
      if (name == null) {
        continue;
      }
      Map<String, Object> secret = m.byName("Secret", name);
      if (secret == null) {
        assertThat(external).as("Secret %s is neither rendered nor an existingSecret", name).contains(name);
      } else {
        assertThat(Y.map(secret.get("data"))).as("Secret %s", name).containsKey(key);
        assertThat(String.valueOf(Y.map(secret.get("data")).get(key))).isNotBlank();
      }
    }
    assertThat(m.gatewayEnv()).containsKey(Setting.PUBLISH_KEY.env());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("settings that name a file point into a volume mounted in the container")
  void fileSettingsPointIntoMounts(Path values) {
    Chart.Manifests m = Chart.render(values);
    List<String> mounts = Y.listOr(m.gatewayContainer(), "volumeMounts").stream().map(vm -> Y.str(vm, "mountPath")).toList();
    List<String> volumes = Y.listOr(m.gateway(), "spec.template.spec.volumes").stream().map(vol -> Y.str(vol, "name")).toList();
    for (Object vm : Y.listOr(m.gatewayContainer(), "volumeMounts")) {
      assertThat(volumes).as("volume of mount %s", Y.str(vm, "mountPath")).contains(Y.str(vm, "name"));
    }
    m.gatewayEnv().forEach((k, val) -> {
      if (k.startsWith("SSE_") && val.startsWith("/")) {
        assertThat(mounts).as("%s=%s is under a mount", k, val).anyMatch(mp -> val.startsWith(mp + "/"));
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("the release notes render, give the grace period, and warn when no Redis is set")
  void notesRender(Path values) {
    String notes = Chart.notes(values);
    Chart.Manifests m = Chart.render(values);
    int grace = Y.integer(m.gateway(), "spec.template.spec.terminationGracePeriodSeconds");
    assertThat(notes).contains("(grace period " + grace + " s)").contains("/publish");
    assertThat(notes.contains("WARNING: no Redis")).isEqualTo(!m.gatewayEnv().containsKey("SSE_REDIS_URL"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("variants")
  @DisplayName("every manifest is well formed, namespaced in the release and named within 63 characters")
  void manifestsAreWellFormed(Path values) {
    Chart.Manifests m = Chart.render(values);
    assertThat(m.docs).isNotEmpty();
    for (Map<String, Object> d : m.docs) {
      assertThat(d).containsKeys("apiVersion", "kind", "metadata");
      String name = Y.str(d, "metadata.name");
      assertThat(name).as("name of %s", d.get("kind")).isNotBlank().hasSizeLessThanOrEqualTo(63).matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    }
    Map<String, Object> pod = Y.map(Y.get(m.gateway(), "spec.template.spec"));
    assertThat(Y.get(pod, "securityContext.runAsNonRoot")).isEqualTo(true);
    assertThat(Y.str(m.gatewayContainer(), "securityContext.allowPrivilegeEscalation")).isEqualTo("false");
  }
}

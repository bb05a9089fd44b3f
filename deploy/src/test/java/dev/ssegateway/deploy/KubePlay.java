package dev.ssegateway.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * The rendered chart as `podman kube play` (podman 4.3) can run it, written for
 * deploy/container/check-kube-play.sh. Only what podman cannot take as is changes, each for a
 * stated reason:
 * <ul>
 *   <li>Secrets are not a kind kube play 4.3 reads: each becomes {@code secrets/<name>.json}, its
 *       {@code data} map, which is the form `podman secret create` + secretKeyRef expect.</li>
 *   <li>Container {@code ports} are dropped: podman publishes every containerPort on the host (two
 *       replicas then clash on 8080 and 5701), which Kubernetes never does; the pods are reached on
 *       their own network addresses, as in a cluster.</li>
 *   <li>Named probe ports become numbers: podman turns the liveness probe into a healthcheck and
 *       loses a named port (it ran {@code curl http://localhost:0/...}).</li>
 * </ul>
 * Everything else (ConfigMap, env wiring, security context, resources, probes) is the chart's own.
 * {@code check.env} hands the script what it checks against: probes, grace period, the key.
 */
final class KubePlay {
  private KubePlay() {}

  static void write(Chart.Manifests m, Path dir) throws IOException {
    Files.createDirectories(dir.resolve("secrets"));
    List<Object> play = new ArrayList<>();
    play.add(m.one("ConfigMap"));
    Map<String, Object> deployment = m.gateway();
    Map<String, Integer> ports = new LinkedHashMap<>();
    for (Object c : Y.list(deployment, "spec.template.spec.containers")) {
      Map<String, Object> container = Y.map(c);
      for (Object p : Y.listOr(container, "ports")) {
        ports.put(Y.str(p, "name"), Y.integer(p, "containerPort"));
      }
      container.remove("ports");
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        Map<String, Object> httpGet = Y.map(Y.get(container, probe + ".httpGet"));
        if (httpGet.get("port") instanceof String name) {
          httpGet.put("port", ports.get(name));
        }
      }
    }
    play.add(deployment);
    DumperOptions opts = new DumperOptions();
    opts.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    Files.writeString(dir.resolve("play.yaml"), new Yaml(opts).dumpAll(play.iterator()));

    ObjectMapper json = new ObjectMapper();
    for (Map<String, Object> secret : m.all("Secret")) {
      json.writeValue(dir.resolve("secrets/" + Y.str(secret, "metadata.name") + ".json").toFile(),
          Y.map(secret.get("data")));
    }

    Map<String, Object> c = m.gatewayContainer();
    Map<String, Object> pod = Y.map(Y.get(deployment, "spec.template.spec"));
    String keySecret = null;
    String keyName = null;
    for (Object e : Y.list(c, "env")) {
      if ("SSE_PUBLISH_KEY".equals(Y.str(e, "name"))) {
        keySecret = Y.str(e, "valueFrom.secretKeyRef.name");
        keyName = Y.str(e, "valueFrom.secretKeyRef.key");
      }
    }
    String key = new String(Base64.getDecoder().decode(
        Y.str(m.byName("Secret", keySecret), "data." + keyName.replace(".", "\\."))), StandardCharsets.UTF_8);
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("KP_DEPLOYMENT", Y.str(deployment, "metadata.name"));
    env.put("KP_REPLICAS", Y.integer(deployment, "spec.replicas"));
    env.put("KP_CLUSTER_DNS", m.gatewayEnv().get("SSE_CLUSTER_DNS"));
    env.put("KP_PUBLISH_KEY", key);
    env.put("KP_GRACE_SECONDS", Y.integer(pod, "terminationGracePeriodSeconds"));
    env.put("KP_PRESTOP", String.join(" ", Y.list(c, "lifecycle.preStop.exec.command").stream().map(String::valueOf).toList()));
    env.put("KP_RUN_AS_USER", Y.integer(pod, "securityContext.runAsUser"));
    for (String probe : List.of("startup", "liveness", "readiness")) {
      String p = probe + "Probe";
      String up = "KP_" + probe.toUpperCase() + "_";
      env.put(up + "PATH", Y.str(c, p + ".httpGet.path"));
      env.put(up + "PORT", ports.getOrDefault(Y.str(c, p + ".httpGet.port"), Y.integer(c, p + ".httpGet.port")));
      env.put(up + "PERIOD", Y.integer(c, p + ".periodSeconds"));
      env.put(up + "FAILURES", Y.integer(c, p + ".failureThreshold"));
      Object delay = Y.get(c, p + ".initialDelaySeconds");
      env.put(up + "DELAY", delay == null ? 0 : delay);
    }
    StringBuilder out = new StringBuilder("# Written by KubePlayManifestTest for check-kube-play.sh\n");
    env.forEach((k, v) -> out.append(k).append("='").append(v).append("'\n"));
    Files.writeString(dir.resolve("check.env"), out);
  }
}

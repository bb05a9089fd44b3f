package dev.ssegateway.deploy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The Helm chart under test: renders it with the bundled Helm and parses the manifests. */
final class Chart {
  static final String RELEASE = "sse";
  static final String NAMESPACE = "events";
  /**
   * The bundled Helm library reports Kubernetes v1.20.0 unless told (the helm CLI reports its
   * client-go version); render for a supported cluster version, as `helm install` would see it.
   */
  static final String KUBE_VERSION = "v1.31.0";

  private Chart() {}

  /** Repository root: the module runs with basedir deploy/. */
  static Path repoRoot() {
    String fromMaven = System.getProperty("repo.root");
    Path root = fromMaven != null ? Path.of(fromMaven) : Path.of("..");
    return root.toAbsolutePath().normalize();
  }

  static Path chartDir() {
    return repoRoot().resolve("deploy/helm/sse-gateway");
  }

  /** The ci/*-values.yaml variants, sorted by name. */
  static List<Path> ciValues() {
    try (Stream<Path> files = Files.list(chartDir().resolve("ci"))) {
      return files.filter(p -> p.getFileName().toString().endsWith("-values.yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Renders the chart with an optional values file and --set pairs (key, value, key, value...). */
  static Manifests render(Path valuesFile, Object... sets) {
    if (sets.length == 0) {
      return CACHE.computeIfAbsent(String.valueOf(valuesFile), k -> {
        String text = renderText(valuesFile);
        // Kept for people reading a failure: target/rendered/<variant>.yaml
        try {
          Path out = repoRoot().resolve("deploy/target/rendered")
              .resolve(valuesFile == null ? "default.yaml" : valuesFile.getFileName().toString());
          Files.createDirectories(out.getParent());
          Files.writeString(out, text);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        return new Manifests(text);
      });
    }
    return new Manifests(renderText(valuesFile, sets));
  }

  private static final Map<String, Manifests> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

  static String renderText(Path valuesFile, Object... sets) {
    FakeKubeApi.get();
    TemplateCommand cmd = new Helm(chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      cmd = cmd.withValuesFile(valuesFile);
    }
    for (int i = 0; i < sets.length; i += 2) {
      cmd = cmd.set(String.valueOf(sets[i]), sets[i + 1]);
    }
    return cmd.call();
  }

  /**
   * The release notes (NOTES.txt) as `helm install --dry-run=client` prints them: a client-only
   * dry run, which never contacts a cluster.
   */
  static String notes(Path valuesFile) {
    com.marcnuri.helm.InstallCommand cmd = new Helm(chartDir()).install().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION).dryRun().withDryRunOption(com.marcnuri.helm.DryRun.CLIENT).clientOnly();
    if (valuesFile != null) {
      cmd = cmd.withValuesFile(valuesFile);
    }
    String out = cmd.call().getOutput();
    int i = out.indexOf("NOTES:");
    if (i < 0) {
      throw new AssertionError("no NOTES in:\n" + out);
    }
    return out.substring(i);
  }

  /** Values as the chart sees them: values.yaml, overlaid by the values file (deep merge). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> values(Path valuesFile) {
    Map<String, Object> base = loadYaml(chartDir().resolve("values.yaml"));
    if (valuesFile != null) {
      deepMerge(base, loadYaml(valuesFile));
    }
    return base;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> loadYaml(Path file) {
    try {
      Object o = yaml().load(Files.readString(file));
      return o == null ? new LinkedHashMap<>() : (Map<String, Object>) o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
    from.forEach((k, v) -> {
      if (v instanceof Map<?, ?> m && into.get(k) instanceof Map<?, ?> existing) {
        deepMerge((Map<String, Object>) existing, (Map<String, Object>) m);
      } else {
        into.put(k, v);
      }
    });
  }

  static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  /** Rendered manifests, parsed. */
  static final class Manifests {
    final String text;
    final List<Map<String, Object>> docs = new ArrayList<>();

    @SuppressWarnings("unchecked")
    Manifests(String text) {
      this.text = text;
      for (Object o : yaml().loadAll(text)) {
        if (o != null) {
          docs.add((Map<String, Object>) o);
        }
      }
    }

    List<Map<String, Object>> all(String kind) {
      return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
    }

    Map<String, Object> one(String kind) {
      List<Map<String, Object>> found = all(kind);
      if (found.size() != 1) {
        throw new AssertionError("expected one " + kind + ", found " + found.size());
      }
      return found.get(0);
    }

    /** The gateway Deployment (the chart may also render the evaluation Redis Deployment). */
    Map<String, Object> gateway() {
      return all("Deployment").stream()
          .filter(d -> "gateway".equals(Y.str(d, "metadata.labels.app\\.kubernetes\\.io/component")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no gateway Deployment"));
    }

    Map<String, Object> gatewayContainer() {
      List<Object> containers = Y.list(gateway(), "spec.template.spec.containers");
      return containers.stream()
          .map(Y::map)
          .filter(c -> "gateway".equals(c.get("name")))
          .findFirst()
          .orElseThrow(() -> new AssertionError("no gateway container"));
    }

    Map<String, Object> byName(String kind, String name) {
      return all(kind).stream()
          .filter(d -> Objects.equals(name, Y.str(d, "metadata.name")))
          .findFirst()
          .orElse(null);
    }

    /**
     * The environment the gateway container gets: plain env entries (value, or "valueFrom:..." for
     * references) and the keys of every ConfigMap it loads with envFrom.
     */
    Map<String, String> gatewayEnv() {
      Map<String, String> env = new LinkedHashMap<>();
      Map<String, Object> c = gatewayContainer();
      for (Object ef : Y.listOr(c, "envFrom")) {
        String cm = Y.str(ef, "configMapRef.name");
        if (cm != null) {
          Map<String, Object> configMap = byName("ConfigMap", cm);
          if (configMap == null) {
            throw new AssertionError("envFrom references ConfigMap " + cm + " that the chart does not render");
          }
          Y.map(configMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
        }
      }
      for (Object e : Y.listOr(c, "env")) {
        Map<String, Object> m = Y.map(e);
        Object value = m.containsKey("value") ? m.get("value") : "valueFrom:" + m.get("valueFrom");
        env.put(String.valueOf(m.get("name")), String.valueOf(value));
      }
      return env;
    }
  }
}

package dev.ssegateway.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A minimal Kubernetes API on loopback that answers Helm's {@code lookup} of Secrets.
 *
 * <p>The bundled Helm library renders templates with cluster access on (it calls lookup), unlike
 * the helm CLI's {@code template}. Without a cluster it would dial localhost:8080 and fail (or
 * reach a local gateway). Surefire points KUBECONFIG at a file this class writes before the first
 * render, so lookups reach this server: by default it has no Secret (a fresh install), and tests can
 * store one to check what an upgrade sees.
 */
final class FakeKubeApi {
  private static FakeKubeApi instance;

  private final HttpServer server;
  private final Map<String, Map<String, String>> secrets = new ConcurrentHashMap<>();
  final List<String> requests = new CopyOnWriteArrayList<>();

  private FakeKubeApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the server once and writes the kubeconfig named by KUBECONFIG. */
  static synchronized FakeKubeApi get() {
    if (instance == null) {
      String kubeconfig = System.getenv("KUBECONFIG");
      if (kubeconfig == null || kubeconfig.isBlank()) {
        throw new IllegalStateException("KUBECONFIG is not set: run the chart tests through Maven"
            + " (surefire points it at target/fake-kube/config), so Helm's lookup cannot reach a real cluster");
      }
      try {
        instance = new FakeKubeApi();
        Path file = Path.of(kubeconfig);
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: http://127.0.0.1:%d
            contexts:
              - name: fake
                context:
                  cluster: fake
                  user: fake
            users:
              - name: fake
                user: {}
            current-context: fake
            """.formatted(instance.server.getAddress().getPort()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime().addShutdownHook(new Thread(() -> instance.server.stop(0)));
    }
    return instance;
  }

  /** Stores a Secret (plain values) that lookup will find, as after an earlier install. */
  void putSecret(String namespace, String name, Map<String, String> data) {
    secrets.put(namespace + "/" + name, data);
  }

  void clear() {
    secrets.clear();
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath();
    requests.add(ex.getRequestMethod() + " " + path);
    ObjectMapper json = new ObjectMapper();
    Object body;
    int status = 200;
    String[] p = path.split("/");
    if (path.equals("/api/v1")) {
      body = Map.of("kind", "APIResourceList", "apiVersion", "v1", "groupVersion", "v1",
          "resources", List.of(Map.of("name", "secrets", "singularName", "secret", "namespaced", true,
              "kind", "Secret", "verbs", List.of("get", "list"))));
    } else if (ex.getRequestMethod().equals("GET") && p.length == 7 && p[3].equals("namespaces") && p[5].equals("secrets")) {
      Map<String, String> data = secrets.get(p[4] + "/" + p[6]);
      if (data != null) {
        Map<String, String> encoded = new LinkedHashMap<>();
        data.forEach((k, v) -> encoded.put(k, Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))));
        body = Map.of("kind", "Secret", "apiVersion", "v1",
            "metadata", Map.of("name", p[6], "namespace", p[4]), "type", "Opaque", "data", encoded);
      } else {
        status = 404;
        body = notFound(p[6], "secrets");
      }
    } else {
      status = 404;
      body = notFound(path, "");
    }
    byte[] bytes = json.writeValueAsBytes(body);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private static Map<String, Object> notFound(String name, String kind) {
    return Map.of("kind", "Status", "apiVersion", "v1", "metadata", Map.of(), "status", "Failure",
        "message", kind + " \"" + name + "\" not found", "reason", "NotFound",
        "details", Map.of("name", name, "kind", kind), "code", 404);
  }
}

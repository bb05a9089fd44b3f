package dev.ssegateway.gateway.security;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An app's authorization endpoint, for real: a JDK HTTP server on a free loopback port that the
 * gateway calls over TCP. What it answers is swapped per test ({@link #answer}); it records every
 * request it got, so a test sees exactly what the gateway forwarded.
 */
final class FakeAuthBackend implements AutoCloseable {
  /** What the gateway sent: the forwarded headers (lower-case names) and the JSON body. */
  record Seen(Map<String, List<String>> headers, JsonObject body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
      return v == null ? null : String.join(",", v);
    }
  }

  /** Answers one request. */
  interface Answer {
    void answer(HttpExchange exchange, Seen seen) throws IOException;
  }

  private final HttpServer server;
  private final ExecutorService threads = Executors.newFixedThreadPool(16);
  private final AtomicInteger calls = new AtomicInteger();
  private final AtomicReference<Seen> last = new AtomicReference<>();
  private volatile Answer answer = (x, s) -> json(x, 200, "{\"allow\":false}");

  FakeAuthBackend() throws IOException {
    // Without it the JDK server leaves Nagle on: its head and body wait for the client's delayed
    // ACK, which added ~40 ms to every call (measured p50 51.8 ms per open).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 100);
    server.setExecutor(threads);
    server.createContext("/authorize", exchange -> {
      try (exchange) {
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v));
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Seen seen = new Seen(headers, new JsonObject(body));
        last.set(seen);
        calls.incrementAndGet();
        answer.answer(exchange, seen);
      } catch (IOException e) {
        // the gateway gave up on this answer (timeout, too long): expected in those tests
      }
    });
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/authorize";
  }

  void answer(Answer a) {
    this.answer = a;
  }

  int calls() {
    return calls.get();
  }

  Seen last() {
    return last.get();
  }

  static void json(HttpExchange x, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = x.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  /** A body sent with chunked encoding (no Content-Length), in 8 KiB pieces. */
  static void chunked(HttpExchange x, int status, String body) throws IOException {
    x.getResponseHeaders().set("Content-Type", "application/json");
    x.sendResponseHeaders(status, 0);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = x.getResponseBody()) {
      for (int i = 0; i < bytes.length; i += 8192) {
        out.write(bytes, i, Math.min(8192, bytes.length - i));
        out.flush();
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}

package dev.ssegateway.gateway.testing;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A real SSE client over a real HTTP connection, that reconnects by itself like EventSource:
 * after the stream ends or fails it waits the server's retry hint and reconnects with
 * {@code Last-Event-ID}. It records every event, so tests can check for loss and duplicates.
 * A 204 answer stops it for good, as it stops EventSource.
 */
public final class SseClient implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClient http;
  private final String host;
  private final int port;
  private final String uri;
  private final boolean reconnect;
  private final List<SseEvent> events = new CopyOnWriteArrayList<>();
  private final List<Integer> statuses = new CopyOnWriteArrayList<>();
  private volatile SseParser parser = new SseParser();
  private volatile String lastEventId = "";
  private volatile boolean closed;
  private volatile boolean stopped;
  private volatile int connects;
  private volatile HttpClientResponse current;

  public SseClient(Vertx vertx, HttpClient http, String host, int port, String uri, boolean reconnect) {
    this.vertx = vertx;
    this.http = http;
    this.host = host;
    this.port = port;
    this.uri = uri;
    this.reconnect = reconnect;
  }

  public static SseClient connect(Vertx vertx, int port, String uri) {
    HttpClient http = vertx.createHttpClient();
    SseClient c = new SseClient(vertx, http, "127.0.0.1", port, uri, true);
    c.open();
    return c;
  }

  public void open() {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI(uri)
        .putHeader("Accept", "text/event-stream");
    if (!lastEventId.isEmpty()) {
      options.putHeader("Last-Event-ID", lastEventId);
    }
    connects++;
    http.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (closed) {
        if (ar.succeeded()) {
          ar.result().request().connection().close();
        }
        return;
      }
      if (ar.failed()) {
        scheduleReconnect();
        return;
      }
      HttpClientResponse resp = ar.result();
      statuses.add(resp.statusCode());
      if (resp.statusCode() != 200) {
        stopped = true; // EventSource fails for good on any other status
        return;
      }
      current = resp;
      parser = new SseParser(); // per connection; the last event id carries over in this client
      resp.handler(buf -> {
        List<SseEvent> got = parser.feed(buf.toString(StandardCharsets.UTF_8));
        events.addAll(got);
        if (!parser.lastEventId().isEmpty()) {
          lastEventId = parser.lastEventId();
        }
      });
      resp.endHandler(v -> scheduleReconnect());
      resp.exceptionHandler(e -> scheduleReconnect());
    });
  }

  private void scheduleReconnect() {
    if (closed || !reconnect) {
      return;
    }
    current = null;
    Long retry = parser.retry();
    long delay = retry == null ? 500 : Math.min(retry, 2000);
    vertx.setTimer(Math.max(delay, 50), t -> {
      if (!closed) {
        open();
      }
    });
  }

  public List<SseEvent> events() {
    return new ArrayList<>(events);
  }

  public List<String> data() {
    return events.stream().filter(e -> e.event().equals("message")).map(SseEvent::data).toList();
  }

  public List<Integer> statuses() {
    return statuses;
  }

  public boolean stopped() {
    return stopped;
  }

  public int connects() {
    return connects;
  }

  public String lastEventId() {
    return lastEventId;
  }

  public boolean isConnected() {
    return current != null;
  }

  /** Waits until {@code condition} holds on the received events, or fails after {@code timeout}. */
  public void awaitEvents(Predicate<List<SseEvent>> condition, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.test(events())) {
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + timeout + "; received " + events());
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public void awaitCount(int n, Duration timeout) {
    awaitEvents(e -> e.size() >= n, timeout);
  }

  @Override
  public void close() {
    closed = true;
    HttpClientResponse r = current;
    if (r != null) {
      r.request().connection().close();
    }
  }
}

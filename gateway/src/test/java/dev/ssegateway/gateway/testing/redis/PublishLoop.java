package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Publishes numbered events ({@code <topic>-0}, {@code <topic>-1}, ...) through {@code POST
 * /publish} on a background thread, one every {@code intervalMs}, round-robin over the given
 * nodes, and records each outcome. Only accepted events (200) are owed to subscribers; a 503
 * means the event was not published.
 */
public final class PublishLoop implements AutoCloseable {
  /** One publish: its data, HTTP status, the id it got, and when it was sent and answered. */
  public record Outcome(String data, int status, String id, String body, long sentAtMs, long answeredAtMs) {
    public boolean accepted() {
      return status == 200;
    }
  }

  private final String topic;
  private final int[] ports;
  private final long intervalMs;
  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;
  private int next;

  private PublishLoop(String topic, long intervalMs, int... ports) {
    this.topic = topic;
    this.ports = ports;
    this.intervalMs = intervalMs;
    this.thread = new Thread(this::run, "publish-loop-" + topic);
    this.thread.setDaemon(true);
  }

  public static PublishLoop start(String topic, long intervalMs, int... ports) {
    PublishLoop loop = new PublishLoop(topic, intervalMs, ports);
    loop.thread.start();
    return loop;
  }

  /** Publishes one event now, on the calling thread (also usable without starting a loop). */
  public static Outcome publishOnce(int port, String topic, String data) {
    long sent = System.currentTimeMillis();
    HttpResponse<String> r = Http.publish(port, new JsonObject().put("topic", topic).put("data", data).encode());
    String id = null;
    if (r.statusCode() == 200) {
      id = new JsonObject(r.body()).getString("id");
    }
    return new Outcome(data, r.statusCode(), id, r.body(), sent, System.currentTimeMillis());
  }

  private void run() {
    while (!stopped) {
      outcomes.add(publishOnce(ports[next % ports.length], topic, topic + "-" + next));
      next++;
      NodeProbe.sleep(intervalMs);
    }
  }

  /** Stops publishing and returns every outcome, in publish order. */
  public List<Outcome> stop() {
    stopped = true;
    try {
      thread.join(15_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return new ArrayList<>(outcomes);
  }

  public List<Outcome> outcomes() {
    return new ArrayList<>(outcomes);
  }

  @Override
  public void close() {
    stop();
  }
}

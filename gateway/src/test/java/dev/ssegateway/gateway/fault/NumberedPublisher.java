package dev.ssegateway.gateway.fault;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A backend publishing numbered events at a steady rate with {@code POST /publish}: one thread
 * per topic, each at its share of the rate, one event at a time, round-robin over the nodes. It is a client too: a 503, a timeout or a
 * connection error is retried (on the next node) as a new attempt with its own data, because the
 * failed attempt may have been published after all. A publish counts as done only on 200 with an id.
 */
final class NumberedPublisher implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
  private static final int MAX_ATTEMPTS = 600;

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(1)).build();
  private final List<IntSupplier> nodePorts;
  private final String publishKey;
  private final String[] topics;
  private final long periodNanos;
  private final List<Thread> threads = new ArrayList<>();
  private final long[] nextSeq;
  private final List<List<Long>> acked = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();
  private final AtomicInteger nextNode = new AtomicInteger();
  private boolean paused;
  private int busy;
  private volatile boolean stopping;
  final AtomicInteger attempts = new AtomicInteger();
  final AtomicInteger unavailable = new AtomicInteger();
  final AtomicInteger connectionErrors = new AtomicInteger();
  final AtomicInteger timeouts = new AtomicInteger();
  final AtomicInteger otherErrors = new AtomicInteger();
  final AtomicInteger gaveUp = new AtomicInteger();

  /**
   * @param nodePorts HTTP ports of the nodes (a supplier each, so a restarted node can be followed)
   */
  NumberedPublisher(List<IntSupplier> nodePorts, String publishKey, String[] topics, int eventsPerSecond) {
    this.nodePorts = List.copyOf(nodePorts);
    this.publishKey = publishKey;
    this.topics = topics.clone();
    this.periodNanos = 1_000_000_000L * topics.length / eventsPerSecond;
    this.nextSeq = new long[topics.length];
    for (int i = 0; i < topics.length; i++) {
      acked.add(new ArrayList<>());
      int topic = i;
      Thread t = new Thread(() -> run(topic), "numbered-publisher-" + i);
      t.setDaemon(true);
      threads.add(t);
    }
  }

  void start() {
    threads.forEach(Thread::start);
  }

  /** Stops starting new events and waits until those in flight are done. */
  synchronized void pause() throws InterruptedException {
    paused = true;
    while (busy > 0) {
      wait(100);
    }
  }

  synchronized void resume() {
    paused = false;
    notifyAll();
  }

  /** Stops for good once the events in flight are done. */
  void stop() throws InterruptedException {
    stopping = true;
    synchronized (this) {
      notifyAll();
    }
    for (Thread t : threads) {
      t.join(REQUEST_TIMEOUT.toMillis() * 3 + 5000);
    }
  }

  /** The seq each topic's next event will get. */
  synchronized long[] nextSeq() {
    return nextSeq.clone();
  }

  /** Keys of the events of {@code topic} acknowledged with 200 and an id, in publish order. */
  synchronized List<Long> acked(int topic) {
    return new ArrayList<>(acked.get(topic));
  }

  synchronized long lastAcked(int topic) {
    List<Long> a = acked.get(topic);
    return a.isEmpty() ? -1 : a.get(a.size() - 1);
  }

  synchronized int ackedCount() {
    return acked.stream().mapToInt(List::size).sum();
  }

  private void run(int topic) {
    long next = System.nanoTime();
    while (!stopping) {
      long seq;
      synchronized (this) {
        while (paused && !stopping) {
          try {
            wait(100);
          } catch (InterruptedException e) {
            return;
          }
        }
        if (stopping) {
          return;
        }
        busy++;
        seq = nextSeq[topic]++;
      }
      try {
        publish(topic, seq);
      } finally {
        synchronized (this) {
          busy--;
          notifyAll();
        }
      }
      next = Math.max(next + periodNanos, System.nanoTime() - periodNanos);
      long sleep = next - System.nanoTime();
      if (sleep > 0) {
        try {
          Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }

  private void publish(int topic, long seq) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      attempts.incrementAndGet();
      int port = nodePorts.get(Math.floorMod(nextNode.getAndIncrement(), nodePorts.size())).getAsInt();
      String body = new JsonObject().put("topic", topics[topic]).put("data", EventKey.data(topic, seq, attempt)).encode();
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/publish"))
          .timeout(REQUEST_TIMEOUT)
          .header("Authorization", "Bearer " + publishKey)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build();
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200 && new JsonObject(r.body()).getString("id") != null) {
          synchronized (this) {
            acked.get(topic).add(EventKey.key(seq, attempt));
          }
          return;
        }
        if (r.statusCode() == 503) {
          unavailable.incrementAndGet();
        } else {
          otherErrors.incrementAndGet();
          noteFailure(r.statusCode() + " " + r.body());
        }
      } catch (HttpTimeoutException e) {
        timeouts.incrementAndGet();
      } catch (IOException e) {
        connectionErrors.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (stopping && attempt > 20) {
        break;
      }
      pauseBriefly(attempt % nodePorts.size() == nodePorts.size() - 1 ? 100 : 20);
    }
    gaveUp.incrementAndGet();
  }

  private synchronized void noteFailure(String what) {
    if (failures.size() < 3 && !failures.contains(what)) {
      failures.add(what);
    }
  }

  private static void pauseBriefly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  synchronized String describeFailures() {
    return "attempts " + attempts + ", 503 " + unavailable + ", connection errors " + connectionErrors
        + ", timeouts " + timeouts + ", other " + otherErrors + (failures.isEmpty() ? "" : " " + failures)
        + ", gave up " + gaveUp;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}

package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.Http;
import dev.ssegateway.gateway.testing.RawSseStream;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the start-of-stream probe many times in parallel, bounded in count and time, and counts
 * what each stream did with the events published the instant its headers arrived.
 */
final class StartRace {
  /** What the probing client opens. */
  enum Shape { ONE_TOPIC, THREE_TOPICS, NEW_STREAM_ID, LAST_EVENT_ID, HTTP2 }

  private static final int PROBES = Integer.getInteger("race.probes", 1000);
  private static final long BUDGET_MS = Long.getLong("race.budgetMs", 15_000);
  private static final int WORKERS = 4;
  private static final int EVENTS = 3;
  /** A delivery this late on a loaded 2-core machine is still a delivery: only never is a skip. */
  private static final long WAIT_MS = Long.getLong("race.waitMs", 20_000);
  private static final AtomicInteger RUN = new AtomicInteger();

  private final String broker;
  private final Vertx vertx;
  private final int subscribePort;
  private final int publishPort;

  StartRace(String broker, Vertx vertx, int subscribePort, int publishPort) {
    this.broker = broker;
    this.subscribePort = subscribePort;
    this.publishPort = publishPort;
    this.vertx = vertx;
  }

  /** The tally of one shape's probes. */
  record Tally(String name, int probes, int silentSkips, int duplicates, int outOfOrder, int historyLost,
      long[] ttfbMicros, List<String> examples, long slowestDeliveryMs) {
    void assertNoSilentSkip() {
      long[] t = ttfbMicros.clone();
      Arrays.sort(t);
      System.out.printf("[start race] %-22s %5d probes: %d silent skips, %d duplicates, %d out of order,"
              + " %d with sse-history-lost; time to headers p50 %.2f ms, p99 %.2f ms; slowest delivery %d ms%n",
          name, probes, silentSkips, duplicates, outOfOrder, historyLost,
          percentile(t, 0.50) / 1000.0, percentile(t, 0.99) / 1000.0, slowestDeliveryMs);
      examples.forEach(e -> System.out.println("[start race]   e.g. " + e));
      assertThat(probes).as(name + ": probes run").isGreaterThanOrEqualTo(100);
      assertThat(silentSkips).as(name + ": events acknowledged after the headers, never delivered nor signalled")
          .isZero();
      assertThat(duplicates).as(name + ": duplicates").isZero();
      assertThat(outOfOrder).as(name + ": out of order").isZero();
    }

    private static long percentile(long[] sorted, double p) {
      return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (p * sorted.length))];
    }
  }

  Tally run(Shape shape) {
    String name = broker + " " + shape.name().toLowerCase().replace('_', '-');
    int run = RUN.incrementAndGet();
    AtomicInteger next = new AtomicInteger();
    long deadline = System.currentTimeMillis() + BUDGET_MS;
    List<Probe> done = new ArrayList<>();
    ExecutorService workers = Executors.newFixedThreadPool(WORKERS);
    List<java.util.concurrent.Future<Object>> running = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      running.add(workers.submit(() -> {
        for (int n = next.getAndIncrement(); n < PROBES && System.currentTimeMillis() < deadline;
            n = next.getAndIncrement()) {
          Probe p = probe(shape, "race-" + broker + "-" + run + "-" + n);
          synchronized (done) {
            done.add(p);
          }
        }
        return null;
      }));
    }
    workers.shutdown();
    for (java.util.concurrent.Future<Object> r : running) {
      try {
        r.get(BUDGET_MS + 120_000, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError(name + ": a probe failed", e.getCause());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    List<Probe> probes;
    synchronized (done) {
      probes = new ArrayList<>(done);
    }
    List<String> examples = probes.stream().filter(p -> p.silentSkip).limit(2).map(Probe::describe).toList();
    return new Tally(name, probes.size(),
        (int) probes.stream().filter(p -> p.silentSkip).count(),
        (int) probes.stream().filter(p -> p.duplicate).count(),
        (int) probes.stream().filter(p -> p.outOfOrder).count(),
        (int) probes.stream().filter(p -> p.historyLost).count(),
        probes.stream().mapToLong(p -> p.ttfbMicros).toArray(), examples,
        probes.stream().mapToLong(p -> p.deliveryMs).max().orElse(0));
  }

  /** One probe: open, publish at the headers, wait, judge. */
  private Probe probe(Shape shape, String prefix) {
    String[] topics = shape == Shape.THREE_TOPICS
        ? new String[] {prefix + "-a", prefix + "-b", prefix + "-c"}
        : new String[] {prefix};
    StringBuilder query = new StringBuilder("/events?");
    for (String t : topics) {
      query.append("topic=").append(t).append('&');
    }
    if (shape == Shape.NEW_STREAM_ID) {
      query.append("streamId=").append(prefix);
    }
    Map<String, String> headers = Map.of();
    if (shape == Shape.LAST_EVENT_ID) {
      // A reconnect: the client saw one event before; the three published at its open come after.
      HttpResponse<String> first = Http.publish(publishPort,
          new JsonObject().put("topic", topics[0]).put("data", prefix + "-before").encode());
      headers = Map.of("Last-Event-ID", new JsonObject(first.body()).getString("id"));
    }
    long start = System.nanoTime();
    Stream stream = shape == Shape.HTTP2 ? openH2(query.toString()) : openRaw(query.toString(), headers);
    long ttfb = (System.nanoTime() - start) / 1000;
    try {
      List<String> data = new ArrayList<>();
      List<String> publishedTopics = new ArrayList<>();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < EVENTS; i++) {
        String topic = topics[i % topics.length];
        String d = prefix + "#" + i;
        HttpResponse<String> r = Http.publish(publishPort,
            new JsonObject().put("topic", topic).put("data", d).encode());
        assertThat(r.statusCode()).as("publish " + r.body()).isEqualTo(200);
        data.add(d);
        publishedTopics.add(topic);
        ids.add(new JsonObject(r.body()).getString("id"));
      }
      long published = System.currentTimeMillis();
      long end = published + WAIT_MS;
      while (System.currentTimeMillis() < end && !stream.events().stream().map(SseEvent::data).toList()
          .containsAll(data)) {
        sleep(2);
      }
      return new Probe(stream.status(), stream.text(), data, publishedTopics, ids, stream.events(), ttfb,
          System.currentTimeMillis() - published);
    } finally {
      stream.close();
    }
  }

  /** What a probe needs from a stream, over HTTP/1.1 or HTTP/2. */
  private interface Stream extends AutoCloseable {
    int status();

    String text();

    List<SseEvent> events();

    @Override
    void close();
  }

  private Stream openRaw(String pathAndQuery, Map<String, String> headers) {
    RawSseStream raw = RawSseStream.open(subscribePort, pathAndQuery, headers);
    return new Stream() {
      public int status() {
        return raw.status();
      }

      public String text() {
        return raw.text();
      }

      public List<SseEvent> events() {
        return raw.events();
      }

      public void close() {
        raw.close();
      }
    };
  }

  /**
   * h2c with prior knowledge; the future completes when the response headers arrive. One
   * connection per probe: resetting thousands of streams on one connection is what Netty's
   * rapid-reset guard (rightly) answers with GOAWAY ENHANCE_YOUR_CALM.
   */
  private Stream openH2(String pathAndQuery) {
    HttpClient h2 = vertx.createHttpClient(
        new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false),
        new PoolOptions().setHttp2MaxSize(1));
    SseParser parser = new SseParser();
    StringBuilder text = new StringBuilder();
    List<SseEvent> events = new ArrayList<>();
    CompletableFuture<io.vertx.core.http.HttpClientResponse> headers = new CompletableFuture<>();
    h2.request(HttpMethod.GET, subscribePort, "127.0.0.1", pathAndQuery)
        .compose(req -> req.send())
        .onSuccess(resp -> {
          resp.handler(buf -> {
            synchronized (events) {
              text.append(buf.toString());
              events.addAll(parser.feed(buf.toString()));
            }
          });
          headers.complete(resp);
        })
        .onFailure(headers::completeExceptionally);
    io.vertx.core.http.HttpClientResponse resp = join(() -> headers);
    return new Stream() {
      public int status() {
        return resp.statusCode();
      }

      public String text() {
        synchronized (events) {
          return text.toString();
        }
      }

      public List<SseEvent> events() {
        synchronized (events) {
          return new ArrayList<>(events);
        }
      }

      public void close() {
        join(() -> h2.close().toCompletionStage().toCompletableFuture());
      }
    };
  }

  private static <T> T join(Supplier<CompletableFuture<T>> f) {
    try {
      return f.get().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One probe's verdict. */
  private static final class Probe {
    final int status;
    final String text;
    final List<String> ids;
    final long ttfbMicros;
    final long deliveryMs;
    final boolean historyLost;
    final boolean silentSkip;
    final boolean duplicate;
    final boolean outOfOrder;

    Probe(int status, String text, List<String> published, List<String> topics, List<String> ids,
        List<SseEvent> events, long ttfbMicros, long deliveryMs) {
      this.status = status;
      this.deliveryMs = deliveryMs;
      this.text = text;
      this.ids = ids;
      this.ttfbMicros = ttfbMicros;
      List<String> received = events.stream().map(SseEvent::data).toList();
      this.historyLost = events.stream().anyMatch(e -> e.event().equals(ControlEvents.HISTORY_LOST));
      boolean missing = false;
      boolean dup = false;
      java.util.Map<String, Integer> lastPerTopic = new java.util.HashMap<>();
      boolean order = true;
      for (int i = 0; i < published.size(); i++) {
        String d = published.get(i);
        int first = received.indexOf(d);
        missing |= first < 0;
        dup |= first >= 0 && received.lastIndexOf(d) != first;
        if (first >= 0) {
          // Per topic, events were published one after another, each acknowledged before the next.
          order &= first > lastPerTopic.getOrDefault(topics.get(i), -1);
          lastPerTopic.put(topics.get(i), first);
        }
      }
      this.silentSkip = status != 200 || (missing && !historyLost);
      this.duplicate = dup;
      this.outOfOrder = !order;
    }

    String describe() {
      return "status " + status + ", acknowledged ids " + ids + ", stream: " + text.replace("\n", "\\n");
    }
  }
}

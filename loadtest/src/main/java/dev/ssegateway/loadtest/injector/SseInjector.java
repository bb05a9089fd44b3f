package dev.ssegateway.loadtest.injector;

import dev.ssegateway.loadtest.core.Histograms;
import dev.ssegateway.loadtest.core.InjectorResult;
import dev.ssegateway.loadtest.core.Json;
import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.Params;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import org.HdrHistogram.Recorder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * A lean SSE load injector on Vert.x: holds many event streams in one JVM, accounts every delivered
 * event per stream (sequence numbers: lost, duplicates) and records publish-to-delivery latency in
 * HdrHistograms. The scaling and comparison scripts start several of these (each under the
 * 20,000 open-file limit, each on its own source addresses) and merge their result files.
 *
 * <p>Parameters (system properties; defaults in brackets):
 * <pre>
 *   injector        name of this injector in results                              [inj-1]
 *   targets         comma list of base URLs; stream i goes to targets[(offset+i) % n]
 *                                                                   [http://127.0.0.1:8080]
 *   path            request path, {topic} replaced by the topic name    [/events?topic={topic}]
 *   sources         comma list of local (source) addresses, used in turn          [127.0.0.1]
 *   connections     streams to open                                                  [1000]
 *   offset          global index of this injector's first stream (spreads targets/topics) [0]
 *   rampSeconds     seconds over which the streams are opened                          [10]
 *   maxConnecting   most connection attempts in flight at once                        [500]
 *   topics          number of topics; stream i subscribes topic (offset+i) % topics     [1]
 *   topicPrefix     topic names are prefix + index                                    [lt-]
 *   reconnect       reopen a lost stream (with Last-Event-ID), as EventSource does  [true]
 *   retryMs         reconnect delay until the server sends retry:                    [3000]
 *   retryJitterMs   extra random delay added to each reconnect                           [0]
 *   failover        reconnect to the next target in the list, not the same one     [true]
 *   eventLoops      Vert.x event loops                                                  [2]
 *   maxSeconds      hard limit on the run; then a final snapshot is written          [3600]
 *   dir             working directory: status.json, ctl/, result-NAME.json      [inj-1]
 * </pre>
 * Control: create {@code dir/ctl/snapshot-NAME} to write {@code dir/result-NAME.json} (histograms and
 * deliveries since the previous snapshot), {@code dir/ctl/stop} to write {@code result-final.json}
 * and exit. {@code dir/status.json} is rewritten every second (connected, delivered, ...).
 */
public final class SseInjector {

  final String injectorName = Params.str("injector", "inj-1");
  final List<String> targets = Params.list("targets", "http://127.0.0.1:8080");
  final String path = Params.str("path", "/events?topic={topic}");
  final List<String> sources = Params.list("sources", "127.0.0.1");
  final int connections = Params.integer("connections", 1000);
  final int offset = Params.integer("offset", 0);
  final double rampSeconds = Params.dbl("rampSeconds", 10);
  final int maxConnecting = Params.integer("maxConnecting", 500);
  final int topics = Params.integer("topics", 1);
  final String topicPrefix = Params.str("topicPrefix", "lt-");
  final boolean reconnect = Params.bool("reconnect", true);
  final long retryMs = Params.lng("retryMs", 3000);
  final long retryJitterMs = Params.lng("retryJitterMs", 0);
  final boolean failover = Params.bool("failover", true);
  final int eventLoops = Params.integer("eventLoops", 2);
  final long maxSeconds = Params.lng("maxSeconds", 3600);
  final Path dir = Path.of(Params.str("dir", "inj-1"));

  // Shared, thread-safe measurements.
  final Recorder latency = new Recorder(3);
  final Recorder connectTime = new Recorder(3);
  final Recorder resumeTime = new Recorder(3);
  final AtomicLong connected = new AtomicLong();
  final AtomicLong everConnected = new AtomicLong();
  final AtomicLong attempts = new AtomicLong();
  final AtomicLong inFlight = new AtomicLong();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder historyLost = new LongAdder();
  final LongAdder delivered = new LongAdder();
  final LongAdder duplicates = new LongAdder();
  final AtomicLong lastResumeMicros = new AtomicLong();
  final AtomicLong lastDisconnectMicros = new AtomicLong();
  final Map<String, LongAdder> httpErrors = new java.util.concurrent.ConcurrentHashMap<>();
  volatile boolean stopping;

  Vertx vertx;
  final List<LoopGroup> groups = new ArrayList<>();
  final List<HttpClient> clients = new ArrayList<>();
  final long startedMicros = Micros.now();
  final Map<String, Long> topicTotalsAtSnapshot = new TreeMap<>();
  long dupsAtSnapshot;
  long gapsAtSnapshot;
  long oooAtSnapshot;

  /** The streams handled by one event loop; only that loop touches them. */
  static final class LoopGroup {
    final Context context;
    final List<SseStream> streams = new ArrayList<>();
    long firstDeliveryMicros;
    long lastDeliveryMicros;

    LoopGroup(Context context) {
      this.context = context;
    }
  }

  public static void main(String[] args) throws Exception {
    new SseInjector().run();
  }

  void run() throws Exception {
    System.out.println("SseInjector parameters:\n" + Params.describe());
    Files.createDirectories(dir.resolve("ctl"));
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(eventLoops).setPreferNativeTransport(true));
    System.out.println("native transport: " + vertx.isNativeTransportEnabled());
    for (String source : sources) {
      HttpClientOptions options = new HttpClientOptions()
          .setLocalAddress(source)
          .setConnectTimeout(15_000)
          .setIdleTimeout(0)
          .setTcpNoDelay(true)
          .setDecompressionSupported(false)
          .setKeepAlive(true);
      clients.add(vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(200_000).setMaxWaitQueueSize(-1)));
    }
    for (int i = 0; i < eventLoops; i++) {
      groups.add(new LoopGroup(vertx.getOrCreateContext()));
    }

    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
    int opened = 0;
    long nextStatus = 0;
    String stopName = null;
    while (System.nanoTime() < deadline) {
      long now = System.nanoTime();
      // Ramp: open the streams due by now, at most maxConnecting in flight.
      if (opened < connections) {
        double elapsed = (now - start) / 1e9;
        int due = rampSeconds <= 0 ? connections : (int) Math.min(connections, Math.ceil(connections * elapsed / rampSeconds));
        while (opened < due && inFlight.get() < maxConnecting) {
          openStream(opened++);
        }
      }
      if (now >= nextStatus) {
        writeStatus(opened);
        nextStatus = now + TimeUnit.SECONDS.toNanos(1);
      }
      stopName = processControl();
      if (stopName != null) {
        break;
      }
      Thread.sleep(opened < connections ? 10 : 200);
    }
    stopping = true;
    snapshot(stopName == null ? "final" : stopName);
    writeStatus(opened);
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("SseInjector done");
    System.exit(0);
  }

  private void openStream(int i) {
    int global = offset + i;
    int topic = Math.floorMod(global, topics);
    LoopGroup group = groups.get(i % groups.size());
    HttpClient client = clients.get(i % clients.size());
    SseStream stream = new SseStream(this, group, client, global, topic, topicPrefix + topic);
    inFlight.incrementAndGet();
    group.context.runOnContext(v -> {
      group.streams.add(stream);
      stream.open();
    });
  }

  String url(int global, int attempt, String topic) {
    int idx = failover ? Math.floorMod(global + attempt, targets.size()) : Math.floorMod(global, targets.size());
    return targets.get(idx) + path.replace("{topic}", topic);
  }

  /** Returns the snapshot name to stop with, or null to go on. */
  private String processControl() throws Exception {
    Path ctl = dir.resolve("ctl");
    List<Path> files;
    try (Stream<Path> s = Files.list(ctl)) {
      files = s.filter(p -> !p.getFileName().toString().endsWith(".tmp")).sorted().toList();
    }
    for (Path f : files) {
      String name = f.getFileName().toString();
      Files.deleteIfExists(f);
      if (name.startsWith("snapshot-")) {
        snapshot(name.substring("snapshot-".length()));
      } else if (name.equals("stop")) {
        return "final";
      } else if (name.startsWith("stop-")) {
        return name.substring("stop-".length());
      }
    }
    return null;
  }

  private void writeStatus(int opened) {
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("injector", injectorName);
    s.put("opened", opened);
    s.put("connected", connected.get());
    s.put("everConnected", everConnected.get());
    s.put("connectFailures", connectFailures.sum());
    s.put("disconnects", disconnects.sum());
    s.put("reconnects", reconnects.sum());
    s.put("delivered", delivered.sum());
    s.put("duplicates", duplicates.sum());
    s.put("lastResumeMicros", lastResumeMicros.get());
    s.put("micros", Micros.now());
    Json.write(dir.resolve("status.json"), s);
  }

  /** Collects every loop's streams on its own loop, then writes result-NAME.json. */
  private synchronized void snapshot(String name) throws Exception {
    List<CompletableFuture<long[]>> parts = new ArrayList<>();
    Map<String, Long> subscribers = new TreeMap<>();
    Map<String, Long> acceptedTotals = new TreeMap<>();
    long[] firstLast = {Long.MAX_VALUE, 0};
    for (LoopGroup g : groups) {
      CompletableFuture<long[]> f = new CompletableFuture<>();
      g.context.runOnContext(v -> {
        long[] perTopicSubs = new long[topics];
        long[] perTopicAcc = new long[topics];
        long dups = 0;
        long gaps = 0;
        long ooo = 0;
        for (SseStream s : g.streams) {
          if (s.ledger.everConnected()) {
            perTopicSubs[s.ledger.topicIndex]++;
          }
          perTopicAcc[s.ledger.topicIndex] += s.ledger.accepted();
          dups += s.ledger.duplicates();
          gaps += s.ledger.gaps();
          ooo += s.ledger.outOfOrder();
        }
        synchronized (subscribers) {
          for (int t = 0; t < topics; t++) {
            if (perTopicSubs[t] > 0 || perTopicAcc[t] > 0) {
              subscribers.merge(topicPrefix + t, perTopicSubs[t], Long::sum);
              acceptedTotals.merge(topicPrefix + t, perTopicAcc[t], Long::sum);
            }
          }
          if (g.firstDeliveryMicros > 0) {
            firstLast[0] = Math.min(firstLast[0], g.firstDeliveryMicros);
          }
          firstLast[1] = Math.max(firstLast[1], g.lastDeliveryMicros);
        }
        g.firstDeliveryMicros = 0;
        f.complete(new long[] {dups, gaps, ooo});
      });
      parts.add(f);
    }
    long dups = 0;
    long gaps = 0;
    long ooo = 0;
    for (CompletableFuture<long[]> f : parts) {
      long[] r = f.get(30, TimeUnit.SECONDS);
      dups += r[0];
      gaps += r[1];
      ooo += r[2];
    }
    InjectorResult r = new InjectorResult();
    r.injector = injectorName;
    r.tool = "vertx-injector";
    r.snapshot = name;
    r.startedMicros = startedMicros;
    r.writtenMicros = Micros.now();
    r.connectionsTarget = connections;
    r.connected = connected.get();
    r.everConnected = everConnected.get();
    r.connectFailures = connectFailures.sum();
    httpErrors.forEach((k, v) -> r.httpErrors.put(k, v.sum()));
    r.disconnects = disconnects.sum();
    r.reconnects = reconnects.sum();
    r.historyLost = historyLost.sum();
    r.lastResumeMicros = lastResumeMicros.get();
    r.lastDisconnectMicros = lastDisconnectMicros.get();
    r.subscribers = subscribers;
    acceptedTotals.forEach((t, n) -> r.accepted.put(t, n - topicTotalsAtSnapshot.getOrDefault(t, 0L)));
    topicTotalsAtSnapshot.putAll(acceptedTotals);
    r.duplicates = dups - dupsAtSnapshot;
    r.gaps = gaps - gapsAtSnapshot;
    r.outOfOrder = ooo - oooAtSnapshot;
    dupsAtSnapshot = dups;
    gapsAtSnapshot = gaps;
    oooAtSnapshot = ooo;
    r.firstDeliveryMicros = firstLast[0] == Long.MAX_VALUE ? 0 : firstLast[0];
    r.lastDeliveryMicros = firstLast[1];
    r.latencyUs = Histograms.encode(latency.getIntervalHistogram());
    r.connectUs = Histograms.encode(connectTime.getIntervalHistogram());
    r.resumeUs = Histograms.encode(resumeTime.getIntervalHistogram());
    Json.write(dir.resolve("result-" + name + ".json"), r);
    System.out.printf("snapshot %s: connected=%d delivered(interval)=%s dups=%d%n", name, r.connected, r.accepted, r.duplicates);
  }

  void httpError(String kind) {
    httpErrors.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  long reconnectDelay(long serverRetry) {
    long base = serverRetry >= 0 ? serverRetry : retryMs;
    long jitter = retryJitterMs > 0 ? java.util.concurrent.ThreadLocalRandom.current().nextLong(retryJitterMs + 1) : 0;
    return Math.max(1, base + jitter);
  }

  static void ignore(IOException e) {
    // best effort
  }
}

package dev.ssegateway.gateway.fault;

import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One subscriber that behaves like a browser's EventSource: after any end of its stream or any
 * error it waits the last {@code retry:} hint it got and reconnects with {@code Last-Event-ID}.
 * It keeps what it received per topic as {@link EventKey}s, every {@code sse-history-lost}
 * event (and where in the stream it came), and the time of each disconnect and reconnect.
 *
 * <p>Callbacks may run on any of the fleet's event loops, so state changes are synchronized;
 * there is no contention (one stream at a time per client).
 */
final class FleetClient {
  /** What EventSource assumes before a server sends a retry hint (browsers use about 3 s). */
  private static final long DEFAULT_RETRY_MS = 1000;

  final int index;
  /** Indices of this client's topics in the fleet's topic list. */
  final int[] topics;
  private final Fleet fleet;
  private final String uri;
  private final LongList[] received;
  private final List<int[]> historyLost = new ArrayList<>();
  private final LongList disconnectsMs = new LongList();
  private final LongList streamsOpenedMs = new LongList();
  private String lastEventId = "";
  private long retryMs = DEFAULT_RETRY_MS;
  private int generation;
  private boolean streaming;
  private boolean closed;
  private long recoveredAtMs;
  private int failedRequests;
  private int otherStatuses;
  private HttpClientResponse current;

  FleetClient(Fleet fleet, int index, int[] topics, String[] topicNames) {
    this.fleet = fleet;
    this.index = index;
    this.topics = topics;
    StringBuilder q = new StringBuilder("/events?");
    for (int i = 0; i < topics.length; i++) {
      q.append(i == 0 ? "" : "&").append("topic=").append(topicNames[topics[i]]);
    }
    this.uri = q.toString();
    this.received = new LongList[topicNames.length];
    for (int t : topics) {
      received[t] = new LongList();
    }
  }

  void open(Vertx vertx, HttpClient http, int port) {
    RequestOptions options;
    int gen;
    synchronized (this) {
      if (closed) {
        return;
      }
      gen = ++generation;
      options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port).setURI(uri)
          .putHeader("Accept", "text/event-stream");
      if (!lastEventId.isEmpty()) {
        options.putHeader("Last-Event-ID", lastEventId);
      }
    }
    http.request(options).compose(req -> req.send()).onComplete(ar -> {
      if (ar.failed()) {
        synchronized (this) {
          failedRequests++;
        }
        ended(vertx, http, port, gen);
        return;
      }
      HttpClientResponse resp = ar.result();
      if (resp.statusCode() != 200) {
        // EventSource would stop for good; the suite counts it as a failure and keeps going.
        synchronized (this) {
          otherStatuses++;
        }
        resp.request().connection().close();
        ended(vertx, http, port, gen);
        return;
      }
      SseParser parser = new SseParser();
      synchronized (this) {
        if (closed) {
          resp.request().connection().close();
          return;
        }
        current = resp;
        streaming = true;
        streamsOpenedMs.add(System.currentTimeMillis());
      }
      resp.handler(buf -> onChunk(parser, buf.toString(StandardCharsets.UTF_8)));
      resp.endHandler(v -> ended(vertx, http, port, gen));
      resp.exceptionHandler(e -> ended(vertx, http, port, gen));
    });
  }

  private void onChunk(SseParser parser, String text) {
    List<SseEvent> events = parser.feed(text);
    long now = System.currentTimeMillis();
    synchronized (this) {
      if (!parser.lastEventId().isEmpty()) {
        lastEventId = parser.lastEventId();
      }
      if (parser.retry() != null) {
        retryMs = parser.retry();
      }
      for (SseEvent e : events) {
        if (e.event().equals("message")) {
          int t = EventKey.topicOf(e.data());
          long key = EventKey.keyOf(e.data());
          if (t < 0 || key < 0 || t >= received.length || received[t] == null) {
            fleet.foreignEvents.incrementAndGet();
            continue;
          }
          received[t].add(key);
          if (recoveredAtMs == 0 && EventKey.seq(key) >= fleet.recoveryFromSeq(t)) {
            recoveredAtMs = now;
          }
        } else if (e.event().equals(ControlEvents.HISTORY_LOST)) {
          int t = fleet.topicIndex(new JsonObject(e.data()).getString("topic"));
          historyLost.add(new int[] {t, t < 0 || received[t] == null ? -1 : received[t].size()});
        } else {
          fleet.foreignEvents.incrementAndGet();
        }
      }
    }
  }

  /** The stream ended or failed: like EventSource, wait the retry hint, then reconnect. */
  private void ended(Vertx vertx, HttpClient http, int port, int gen) {
    long delay;
    synchronized (this) {
      if (gen != generation || closed) {
        return;
      }
      generation++; // later callbacks of this stream are ignored
      if (streaming) {
        disconnectsMs.add(System.currentTimeMillis());
      }
      streaming = false;
      current = null;
      delay = retryMs;
    }
    vertx.setTimer(Math.max(1, delay), t -> open(vertx, http, port));
  }

  synchronized boolean isLive() {
    return streaming && !lastEventId.isEmpty();
  }

  synchronized boolean hasReceived(int topic, long key) {
    return received[topic].containsNearEnd(key, 64);
  }

  synchronized long[] received(int topic) {
    return received[topic].toArray();
  }

  /** Each {@code sse-history-lost}: {topic index, how many events of that topic came before it}. */
  synchronized List<int[]> historyLost() {
    return new ArrayList<>(historyLost);
  }

  synchronized long recoveredAtMs() {
    return recoveredAtMs;
  }

  synchronized long[] disconnectsMs() {
    return disconnectsMs.toArray();
  }

  synchronized long[] streamsOpenedMs() {
    return streamsOpenedMs.toArray();
  }

  synchronized int failedRequests() {
    return failedRequests;
  }

  synchronized int otherStatuses() {
    return otherStatuses;
  }

  void close() {
    HttpClientResponse r;
    synchronized (this) {
      closed = true;
      r = current;
      current = null;
    }
    if (r != null) {
      r.request().connection().close();
    }
  }
}

package dev.ssegateway.loadtest.injector;

import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.SseParser;
import dev.ssegateway.loadtest.core.StreamLedger;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

/**
 * One subscriber: opens its event stream, parses it, accounts each event in its ledger, and reopens
 * it with {@code Last-Event-ID} after the server's {@code retry:} delay when it is lost, as a browser's
 * EventSource does. Runs on one event loop only.
 */
final class SseStream implements SseParser.Listener {
  private final SseInjector inj;
  private final SseInjector.LoopGroup group;
  private final HttpClient client;
  private final int global;
  private final String topic;
  final StreamLedger ledger;
  private final SseParser parser = new SseParser(this);
  private int attempt;
  /** Identifies the current attempt: callbacks of an older one are ignored. */
  private int live = -1;
  private boolean open;
  private boolean firstOpenDone;
  private long lostAtMicros;

  SseStream(SseInjector inj, SseInjector.LoopGroup group, HttpClient client, int global, int topicIndex, String topic) {
    this.inj = inj;
    this.group = group;
    this.client = client;
    this.global = global;
    this.topic = topic;
    this.ledger = new StreamLedger(topicIndex);
  }

  void open() {
    if (inj.stopping) {
      return;
    }
    final int my = ++attempt;
    live = my;
    RequestOptions ro = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(inj.url(global, my - 1, topic))
        .addHeader(HttpHeaders.ACCEPT, "text/event-stream");
    String last = parser.lastEventId();
    if (last != null && !last.isEmpty()) {
      ro.addHeader("Last-Event-ID", last);
    }
    long t0 = System.nanoTime();
    inj.attempts.incrementAndGet();
    client.request(ro).compose(req -> req.send()).onComplete(ar -> {
      if (my == 1) {
        inj.inFlight.decrementAndGet();
      }
      if (my != live) {
        return;
      }
      if (ar.failed()) {
        inj.connectFailures.increment();
        retryLater(my);
        return;
      }
      HttpClientResponse resp = ar.result();
      if (resp.statusCode() != 200) {
        inj.httpError(Integer.toString(resp.statusCode()));
        resp.end();
        if (resp.statusCode() != 204) {
          retryLater(my);
        }
        return;
      }
      onOpen(my, t0, resp);
    });
  }

  private void onOpen(int my, long t0, HttpClientResponse resp) {
    long now = Micros.now();
    open = true;
    parser.reset();
    inj.connected.incrementAndGet();
    if (!firstOpenDone) {
      firstOpenDone = true;
      inj.everConnected.incrementAndGet();
      ledger.markConnected();
      inj.connectTime.recordValue(Math.max(0, (System.nanoTime() - t0) / 1000));
    } else {
      inj.reconnects.increment();
      if (lostAtMicros > 0) {
        inj.resumeTime.recordValue(Math.max(0, now - lostAtMicros));
        lostAtMicros = 0;
      }
      inj.lastResumeMicros.accumulateAndGet(now, Math::max);
    }
    resp.handler(buf -> {
      if (my == live) {
        feed(buf);
      }
    });
    resp.endHandler(v -> lost(my));
    resp.exceptionHandler(t -> lost(my));
  }

  private void feed(Buffer buf) {
    parser.feed(buf.getBytes());
  }

  @Override
  public void onEvent(long seq, long publishMicros, boolean historyLost) {
    if (historyLost) {
      inj.historyLost.increment();
    }
    if (seq < 0) {
      return;
    }
    long now = Micros.now();
    if (ledger.accept(seq)) {
      inj.delivered.increment();
      inj.latency.recordValue(Math.max(0, now - publishMicros));
      if (group.firstDeliveryMicros == 0) {
        group.firstDeliveryMicros = now;
      }
      group.lastDeliveryMicros = now;
    } else {
      inj.duplicates.increment();
    }
  }

  private void lost(int my) {
    if (my != live || !open) {
      return;
    }
    open = false;
    live = -1;
    inj.connected.decrementAndGet();
    if (inj.stopping) {
      return;
    }
    lostAtMicros = Micros.now();
    inj.disconnects.increment();
    inj.lastDisconnectMicros.accumulateAndGet(lostAtMicros, Math::max);
    retryLater(my);
  }

  private void retryLater(int my) {
    if (!inj.reconnect || inj.stopping) {
      return;
    }
    if (lostAtMicros == 0) {
      lostAtMicros = Micros.now();
    }
    live = -1;
    inj.vertx.setTimer(inj.reconnectDelay(parser.retryMs()), id -> open());
  }
}

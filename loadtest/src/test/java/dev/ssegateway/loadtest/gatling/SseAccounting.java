package dev.ssegateway.loadtest.gatling;

import dev.ssegateway.loadtest.core.Histograms;
import dev.ssegateway.loadtest.core.InjectorResult;
import dev.ssegateway.loadtest.core.Json;
import dev.ssegateway.loadtest.core.Micros;
import dev.ssegateway.loadtest.core.Payload;
import dev.ssegateway.loadtest.core.PublishResult;
import dev.ssegateway.loadtest.core.StreamLedger;
import io.gatling.http.action.sse.SseInboundMessage;
import io.gatling.javaapi.core.Session;
import org.HdrHistogram.Recorder;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-message accounting the simulations share. Gatling's own SSE timing is only the wait for a
 * message, so every message is taken from the unmatched-message buffer
 * ({@code sse.processUnmatchedMessages}) and accounted here: its payload's sequence number goes into
 * the virtual user's {@link StreamLedger} (lost, duplicates), and receive time (Gatling stamps each
 * message when it arrives, in ms) minus the publish time in the payload goes into an HdrHistogram.
 * At the end the simulation writes an {@link InjectorResult} JSON, the same format as the Vert.x
 * injector's, so that the scripts can merge several Gatling processes.
 */
public final class SseAccounting {

  static final String LEDGER = "ledger";
  static final String LAST_ID = "lastId";

  private final String topicPrefix;
  private final int topics;
  private final ConcurrentLinkedQueue<StreamLedger> ledgers = new ConcurrentLinkedQueue<>();
  final Recorder latency = new Recorder(3);
  final Recorder connectTime = new Recorder(3);
  final Recorder resumeTime = new Recorder(3);
  final AtomicLong connected = new AtomicLong();
  final LongAdder connectFailures = new LongAdder();
  final LongAdder disconnects = new LongAdder();
  final LongAdder reconnects = new LongAdder();
  final LongAdder historyLost = new LongAdder();
  final AtomicLong lastResumeMicros = new AtomicLong();
  final AtomicLong lastDisconnectMicros = new AtomicLong();
  final AtomicLong firstDelivery = new AtomicLong();
  final AtomicLong lastDelivery = new AtomicLong();
  volatile long faultMicros;

  /** The publisher side, when the simulation also publishes. */
  final Map<String, LongAdder> published = new ConcurrentHashMap<>();
  final LongAdder publishErrors = new LongAdder();
  final AtomicLong publishStart = new AtomicLong();
  final AtomicLong publishEnd = new AtomicLong();
  final Recorder publishLatency = new Recorder(3);
  final AtomicLong[] nextSeq;

  public SseAccounting(String topicPrefix, int topics) {
    this.topicPrefix = topicPrefix;
    this.topics = topics;
    this.nextSeq = new AtomicLong[topics];
    for (int i = 0; i < topics; i++) {
      nextSeq[i] = new AtomicLong(1);
    }
  }

  public String topic(long userId) {
    return topicPrefix + Math.floorMod(userId, topics);
  }

  /** Gives the virtual user a ledger for its topic. */
  public Session start(Session s) {
    StreamLedger l = new StreamLedger((int) Math.floorMod(s.userId(), topics));
    ledgers.add(l);
    return s.set(LEDGER, l).set("topic", topic(s.userId()));
  }

  public Session opened(Session s, long startNanos, boolean first) {
    StreamLedger l = s.get(LEDGER);
    long now = Micros.now();
    connected.incrementAndGet();
    if (first) {
      l.markConnected();
      connectTime.recordValue(Math.max(0, (System.nanoTime() - startNanos) / 1000));
    } else {
      reconnects.increment();
      long lostAt = s.contains("lostAt") ? s.getLong("lostAt") : 0;
      if (lostAt > 0) {
        resumeTime.recordValue(Math.max(0, now - lostAt));
      }
      lastResumeMicros.accumulateAndGet(now, Math::max);
    }
    return s;
  }

  public Session lost(Session s) {
    long now = Micros.now();
    connected.decrementAndGet();
    disconnects.increment();
    lastDisconnectMicros.accumulateAndGet(now, Math::max);
    return s.set("lostAt", now);
  }

  /** Accounts a batch of messages from the unmatched buffer; keeps the last event id in the session. */
  public Session process(List<SseInboundMessage> messages, Session s) {
    StreamLedger l = s.get(LEDGER);
    String lastId = s.contains(LAST_ID) ? s.getString(LAST_ID) : null;
    for (SseInboundMessage m : messages) {
      String json = m.message();
      String id = field(json, "id");
      if (id != null) {
        lastId = id;
      }
      if (json.contains("\"event\":\"sse-history-lost\"")) {
        historyLost.increment();
      }
      Payload.Parsed p = Payload.parse(json);
      if (p.valid() && l.accept(p.seq())) {
        long receivedMicros = m.timestamp() * 1000;
        latency.recordValue(Math.max(0, receivedMicros - p.publishMicros()));
        firstDelivery.compareAndSet(0, receivedMicros);
        lastDelivery.accumulateAndGet(receivedMicros, Math::max);
      }
    }
    return lastId == null ? s : s.set(LAST_ID, lastId);
  }

  /** Next publish body for a topic index: sequence number and publish time in the data. */
  public String nextPayload(int topicIndex, int dataBytes) {
    publishStart.compareAndSet(0, Micros.now());
    return Payload.encode(nextSeq[topicIndex].getAndIncrement(), Micros.now(), dataBytes);
  }

  public void publishDone(String topic, boolean ok, long startNanos) {
    publishLatency.recordValue(Math.max(0, (System.nanoTime() - startNanos) / 1000));
    publishEnd.accumulateAndGet(Micros.now(), Math::max);
    if (ok) {
      published.computeIfAbsent(topic, t -> new LongAdder()).increment();
    } else {
      publishErrors.increment();
    }
  }

  static String field(String json, String name) {
    String key = "\"" + name + "\":\"";
    int i = json.indexOf(key);
    if (i < 0) {
      return null;
    }
    int start = i + key.length();
    int end = json.indexOf('"', start);
    return end < 0 ? null : json.substring(start, end);
  }

  /** Writes this process's results (and the publisher's, when it published). */
  public void write(String injector, String simulation, long target, Path resultFile, Path publishFile) {
    InjectorResult r = new InjectorResult();
    r.injector = injector;
    r.tool = "gatling:" + simulation;
    r.snapshot = "final";
    r.writtenMicros = Micros.now();
    r.connectionsTarget = target;
    r.connected = connected.get();
    r.connectFailures = connectFailures.sum();
    r.disconnects = disconnects.sum();
    r.reconnects = reconnects.sum();
    r.historyLost = historyLost.sum();
    r.lastResumeMicros = lastResumeMicros.get();
    r.lastDisconnectMicros = lastDisconnectMicros.get();
    r.faultMicros = faultMicros;
    Map<String, Long> subs = new TreeMap<>();
    Map<String, Long> acc = new TreeMap<>();
    for (StreamLedger l : ledgers) {
      String t = topicPrefix + l.topicIndex;
      if (l.everConnected()) {
        r.everConnected++;
        subs.merge(t, 1L, Long::sum);
      }
      acc.merge(t, l.accepted(), Long::sum);
      r.duplicates += l.duplicates();
      r.gaps += l.gaps();
      r.outOfOrder += l.outOfOrder();
    }
    r.subscribers = subs;
    r.accepted = acc;
    r.firstDeliveryMicros = firstDelivery.get();
    r.lastDeliveryMicros = lastDelivery.get();
    r.latencyUs = Histograms.encode(latency.getIntervalHistogram());
    r.connectUs = Histograms.encode(connectTime.getIntervalHistogram());
    r.resumeUs = Histograms.encode(resumeTime.getIntervalHistogram());
    Json.write(resultFile, r);
    System.out.printf("[%s] wrote %s: connected=%d everConnected=%d accepted=%s duplicates=%d%n",
        simulation, resultFile, r.connected, r.everConnected, acc, r.duplicates);
    if (publishFile != null && publishStart.get() > 0) {
      PublishResult p = new PublishResult();
      p.tool = "gatling:" + simulation;
      p.mode = "http";
      p.startMicros = publishStart.get();
      p.endMicros = publishEnd.get();
      published.forEach((t, n) -> p.published.put(t, n.sum()));
      p.errors = publishErrors.sum();
      p.publishLatencyUs = Histograms.encode(publishLatency.getIntervalHistogram());
      Json.write(publishFile, p);
      System.out.printf("[%s] wrote %s: published=%s errors=%d%n", simulation, publishFile, p.published, p.errors);
    }
  }
}

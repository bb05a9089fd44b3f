package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.sse.EncodedEvent;
import dev.ssegateway.gateway.sse.SseConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The connections of one event loop, by topic. Only that loop touches it, so delivery needs no
 * locks: the hub hands each event over once per loop, and the loop writes the same encoded bytes
 * to each of its connections. One heartbeat timer per loop, not per connection, keeps idle
 * streams alive and finds dead peers (a write to a half-open socket eventually fails).
 */
public final class LoopHub {
  private static final SseConnection[] NONE = new SseConnection[0];
  /** Events written per loop task before yielding to the loop's other work. */
  private static final int MAX_EVENTS_PER_DRAIN = 32;

  private final Context context;
  private final Hub hub;
  private final GatewayMetrics metrics;
  private final Map<String, List<SseConnection>> byTopic = new HashMap<>();
  private final Set<SseConnection> connections = new LinkedHashSet<>();
  private volatile int connectionCount;
  private long heartbeatTimer = -1;
  private final Queue<Delivery> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final List<SseConnection> toFlush = new ArrayList<>();
  private final Consumer<Map<String, String>> cursorSink;
  private final Set<SseConnection> dirtyCursors = new LinkedHashSet<>();
  private long cursorTimer = -1;

  /**
   * @param cursorSink where server-side cursors are saved (cluster-wide), one batch per flush
   */
  public LoopHub(Context context, Hub hub, GatewayMetrics metrics, Consumer<Map<String, String>> cursorSink) {
    this.context = context;
    this.hub = hub;
    this.metrics = metrics;
    this.cursorSink = cursorSink;
  }

  /**
   * Saves the positions of connections with a server-side cursor that moved, once per interval
   * for all of them together, not once per delivered event.
   */
  public void startCursorFlush(long intervalMs) {
    cursorTimer = context.owner().setPeriodic(intervalMs, id -> flushCursors());
  }

  /** Called by a connection with a server-side cursor when its position moved. */
  public void cursorMoved(SseConnection connection) {
    dirtyCursors.add(connection);
  }

  /** Saves one connection's cursor at once (it is going away; a reload may follow right away). */
  public void flushCursor(SseConnection connection) {
    if (dirtyCursors.remove(connection)) {
      cursorSink.accept(Map.of(connection.streamId(), connection.positionsJson()));
    }
  }

  private void flushCursors() {
    if (dirtyCursors.isEmpty()) {
      return;
    }
    Map<String, String> batch = new HashMap<>();
    for (SseConnection c : dirtyCursors) {
      batch.put(c.streamId(), c.positionsJson());
    }
    dirtyCursors.clear();
    cursorSink.accept(batch);
  }

  public Context context() {
    return context;
  }

  public void startHeartbeat(long intervalMs) {
    heartbeatTimer = context.owner().setPeriodic(intervalMs, id -> {
      for (SseConnection c : connections.toArray(NONE)) {
        c.heartbeat();
      }
      flushPending();
    });
  }

  public void stopTimers() {
    if (heartbeatTimer >= 0) {
      context.owner().cancelTimer(heartbeatTimer);
    }
    if (cursorTimer >= 0) {
      context.owner().cancelTimer(cursorTimer);
    }
    flushCursors();
  }

  public int connectionCount() {
    return connectionCount;
  }

  /** Every connection of this loop, for draining. Call on this loop's context. */
  public List<SseConnection> connections() {
    return new ArrayList<>(connections);
  }

  /**
   * Closes this loop's connections in paced waves spread over {@code windowMs}, each with a
   * jittered reconnect hint, so that clients spread over the other nodes instead of arriving
   * there in one storm. Completes when no connection is left. Call on this loop's context.
   */
  public Future<Void> drain(long windowMs, long waveMs, long retryBaseMs) {
    Promise<Void> done = Promise.promise();
    long waves = Math.max(1, windowMs / waveMs);
    long[] waveNumber = {0};
    Runnable wave = () -> {
      long left = waves - waveNumber[0]++;
      int count = connections.size();
      int toClose = left <= 1 ? count : (int) Math.ceil(count / (double) left);
      SseConnection[] all = connections.toArray(NONE);
      for (int i = 0; i < toClose && i < all.length; i++) {
        all[i].drain(retryBaseMs / 2 + ThreadLocalRandom.current().nextLong(retryBaseMs + 1));
      }
    };
    wave.run();
    if (connections.isEmpty()) {
      done.complete();
      return done.future();
    }
    context.owner().setPeriodic(waveMs, id -> {
      wave.run();
      if (connections.isEmpty()) {
        context.owner().cancelTimer(id);
        done.tryComplete();
      }
    });
    return done.future();
  }

  /** Registers a connection for its topics; completes when the hub delivers them all live. */
  public Future<Void> add(SseConnection connection, String[] topics) {
    connections.add(connection);
    connectionCount = connections.size();
    metrics.connectionOpened();
    List<Future<Void>> attached = new ArrayList<>(topics.length);
    for (String topic : topics) {
      byTopic.computeIfAbsent(topic, t -> new ArrayList<>(4)).add(connection);
      attached.add(hub.attach(this, topic));
    }
    return Future.all(attached).mapEmpty();
  }

  /** Stops delivering one topic to a connection (its stream for that topic has ended). */
  public void removeTopic(SseConnection connection, String topic) {
    List<SseConnection> subs = byTopic.get(topic);
    if (subs != null && subs.remove(connection)) {
      if (subs.isEmpty()) {
        byTopic.remove(topic);
      }
      hub.detach(this, topic);
    }
  }

  public void remove(SseConnection connection, String[] activeTopics) {
    if (!connections.remove(connection)) {
      return;
    }
    connectionCount = connections.size();
    metrics.connectionClosed();
    flushCursor(connection);
    for (String topic : activeTopics) {
      removeTopic(connection, topic);
    }
  }

  private record Delivery(String topic, EncodedEvent event) {}

  /**
   * Called by the hub (on its own context): hands one encoded event to this loop. Events queue up
   * in an inbox drained by one task, so when several arrive together each connection gets them
   * all in one flush (one system call) instead of one each.
   */
  void dispatch(String topic, EncodedEvent event) {
    inbox.add(new Delivery(topic, event));
    if (drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drainInbox());
    }
  }

  private void drainInbox() {
    drainScheduled.set(false);
    Delivery d;
    int handled = 0;
    while (handled < MAX_EVENTS_PER_DRAIN && (d = inbox.poll()) != null) {
      deliver(d.topic(), d.event());
      handled++;
    }
    flushPending();
    // A long backlog is written in slices, so this loop's other work (publishes, new streams,
    // heartbeats) is not held up for the whole backlog.
    if (!inbox.isEmpty() && drainScheduled.compareAndSet(false, true)) {
      context.runOnContext(v -> drainInbox());
    }
  }

  /** A connection wrote without flushing; it is flushed once this loop's current batch is done. */
  public void flushLater(SseConnection connection) {
    toFlush.add(connection);
  }

  private void flushPending() {
    for (int i = 0; i < toFlush.size(); i++) {
      toFlush.get(i).flushWrites();
    }
    toFlush.clear();
  }

  private void deliver(String topic, EncodedEvent event) {
    List<SseConnection> subs = byTopic.get(topic);
    if (subs == null) {
      return;
    }
    // A copy, because a delivery can end a connection (slow consumer, close event).
    SseConnection[] targets = subs.toArray(NONE);
    for (SseConnection c : targets) {
      c.offer(topic, event);
    }
    metrics.eventsDelivered(targets.length);
  }
}

package dev.ssegateway.gateway.hub;

import dev.ssegateway.gateway.cluster.Presence;
import dev.ssegateway.gateway.cluster.PresenceList;
import dev.ssegateway.gateway.sse.SseConnection;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Presence as the node's HTTP handlers see it: streams are tracked while they live (and get
 * join/leave events when they asked), lists are read from the cluster.
 */
public final class NodePresence {
  /** Changed shares and gathered events leave this often: the delay of a join/leave event. */
  public static final long FLUSH_MS = 250;
  /** Shares are rewritten this often even unchanged, renewing their time-to-live. */
  public static final long REFRESH_MS = 20_000;
  /** A list that Hazelcast has not answered by then fails (503) rather than hold the request. */
  public static final long LIST_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final Presence presence;
  private final PresenceTracker tracker;
  private final PresenceFeed feed = new PresenceFeed();
  private final long timer;
  private long lastRefresh = System.currentTimeMillis();

  public NodePresence(Vertx vertx, Presence presence, String node, int maxListed, int eventsPerSecond) {
    this.vertx = vertx;
    this.presence = presence;
    this.tracker = new PresenceTracker(presence, node, maxListed, eventsPerSecond);
    presence.onEvents(feed::deliver);
    // On a worker, one flush at a time: encoding every changed share (up to maxListed entries
    // each) is work an event loop serving streams should not do.
    this.timer = vertx.setPeriodic(FLUSH_MS, t -> vertx.executeBlocking(() -> {
      flush();
      return null;
    }, true));
  }

  private void flush() {
    long now = System.currentTimeMillis();
    boolean refresh = now - lastRefresh >= REFRESH_MS;
    if (refresh) {
      lastRefresh = now;
    }
    tracker.flush(now, refresh);
  }

  /**
   * Tracks a stream of {@code sub} (null: anonymous) on {@code loop} until the returned action
   * runs; with {@code events} the stream also receives {@code sse-presence} events.
   */
  public Runnable track(SseConnection connection, String[] topics, String sub, boolean events, Context loop) {
    long id = tracker.join(topics, sub, System.currentTimeMillis());
    if (events) {
      feed.listen(topics, connection, loop);
    }
    AtomicBoolean left = new AtomicBoolean();
    return () -> {
      if (left.getAndSet(true)) {
        return; // once: a second leave would count the connection out twice
      }
      tracker.leave(id, topics, sub);
      if (events) {
        feed.unlisten(topics, connection, loop);
      }
    };
  }

  /** One page of who is connected to {@code topic} across the live nodes, with the counts. */
  public Future<JsonObject> list(String topic, int offset, int limit) {
    Promise<JsonObject> answer = Promise.promise();
    long timer = vertx.setTimer(LIST_TIMEOUT_MS, t -> answer.tryFail(
        "The cluster state (Hazelcast) did not answer within " + LIST_TIMEOUT_MS + " ms"));
    presence.slices(topic).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        answer.tryComplete(PresenceList.page(topic, ar.result(), offset, limit));
      } else {
        answer.tryFail(ar.cause());
      }
    });
    return answer.future();
  }

  public PresenceTracker tracker() {
    return tracker;
  }

  public void close() {
    vertx.cancelTimer(timer);
  }
}

package dev.ssegateway.gateway.broker.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one subscriber connection to Redis. The Vert.x client neither reconnects nor
 * resubscribes by itself, so this class does: when the connection drops it reconnects with
 * exponential backoff and jitter, subscribes every channel the node still holds, waits until Redis
 * has confirmed each one, and only then reports the reconnect, so that the node repairs what it
 * missed from history knowing that everything after the repair arrives live.
 *
 * <p>It also starts over when Redis itself drops a subscription: Redis Cluster sends
 * {@code sunsubscribe} for the channels of a slot that moved to another node, and answers
 * {@code MOVED} to a subscription sent to a node that no longer owns the slot. A subscription
 * that is never confirmed (sent to a node connection the client opened without our handler)
 * times out and also starts over. Reconnecting is cheap and the repair makes it lossless.
 *
 * <p>Confined to one context: every method must run on it.
 */
final class RedisSubscriber {
  private static final Logger log = LoggerFactory.getLogger(RedisSubscriber.class);
  static final long MIN_BACKOFF_MS = 100;
  static final long MAX_BACKOFF_MS = 2000;
  static final long CONFIRM_TIMEOUT_MS = 5000;
  static final long CONNECT_TIMEOUT_MS = 5000;

  private final Context context;
  private final Supplier<Redis> clients;
  private final boolean sharded;
  private final BiConsumer<String, String> onMessage;
  private final Runnable onResubscribed;
  private final List<String[]> heldWhileResubscribing = new ArrayList<>();
  private int connectAttempts;
  /** Channels the node holds: subscribed again after every reconnect. */
  private final Set<String> channels = new HashSet<>();
  /** Subscriptions sent on the current connection that Redis has not confirmed yet. */
  private final Map<String, List<Promise<Void>>> unconfirmed = new HashMap<>();
  /** Our own unsubscribes in flight, so their confirmations are not taken for a dropped slot. */
  private final Map<String, Integer> unsubscribing = new HashMap<>();
  private final Promise<Void> firstConnect = Promise.promise();
  /** Subscriptions that will be live once the next connection has subscribed every channel. */
  private final List<Promise<Void>> untilConnected = new ArrayList<>();
  /** The client of the current (or last) connection; replaced on every connect. */
  private Redis client;
  /** The current connection: set while it resubscribes, and while it is live. */
  private RedisConnection connection;
  /** Every channel is confirmed on {@link #connection}: delivery is live. */
  private volatile boolean connected;
  private boolean everConnected;
  private boolean closed;
  private boolean reconnectScheduled;
  private int attempt;
  private volatile long connectedAtMs;

  /**
   * @param clients makes the client of each new connection: a fresh one reads the cluster's slots
   *     or the Sentinel's master anew, where a reused one could still hold the view from before
   */
  RedisSubscriber(Context context, Supplier<Redis> clients, boolean sharded, BiConsumer<String, String> onMessage,
      Runnable onResubscribed) {
    this.context = context;
    this.clients = clients;
    this.sharded = sharded;
    this.onMessage = onMessage;
    this.onResubscribed = onResubscribed;
  }

  boolean isConnected() {
    return connected;
  }

  /** When the live connection confirmed its last subscription (0 before the first). */
  long connectedAtMs() {
    return connectedAtMs;
  }

  /** Connects; completes at the first successful connection or fails with the first error. */
  Future<Void> start() {
    connect();
    return firstConnect.future();
  }

  private void connect() {
    if (client != null) {
      client.close();
    }
    client = clients.get();
    int attemptNumber = ++connectAttempts;
    // A connect that never answers (e.g. a Sentinel that does not know its master yet) must not
    // leave the node without a subscription: after a while, start over with a fresh client.
    long guard = context.owner().setTimer(CONNECT_TIMEOUT_MS, t -> onContext(() -> {
      if (attemptNumber == connectAttempts && connection == null && !closed) {
        log.warn("Redis subscriber connect attempt got no answer within {} ms; starting over", CONNECT_TIMEOUT_MS);
        connectAttempts++;
        firstConnect.tryFail("no answer from Redis within " + CONNECT_TIMEOUT_MS + " ms");
        scheduleReconnect();
      }
    }));
    client.connect().onComplete(ar -> onContext(() -> {
      context.owner().cancelTimer(guard);
      if (attemptNumber != connectAttempts) {
        if (ar.succeeded()) {
          ar.result().close(); // an attempt given up on
        }
        return;
      }
      if (ar.failed()) {
        log.debug("Redis subscriber connect failed: {}", ar.cause().getMessage());
        firstConnect.tryFail(ar.cause());
        scheduleReconnect();
        return;
      }
      RedisConnection conn = ar.result();
      if (closed) {
        conn.close();
        return;
      }
      connection = conn;
      conn.handler(r -> onContext(() -> onPush(conn, r)));
      conn.exceptionHandler(e -> onContext(() -> lost(conn, "connection failed: " + e.getMessage())));
      conn.endHandler(v -> onContext(() -> lost(conn, "connection closed")));
      List<Future<Void>> confirmations = new ArrayList<>(channels.size());
      for (String channel : channels) {
        confirmations.add(sendSubscribe(conn, channel));
      }
      Future.all(confirmations).onComplete(all -> onContext(() -> {
        if (conn != connection) {
          return; // lost meanwhile: a reconnect is already scheduled
        }
        if (all.failed()) {
          lost(conn, "resubscribing failed: " + all.cause().getMessage());
          return;
        }
        connected = true;
        connectedAtMs = System.currentTimeMillis();
        attempt = 0;
        if (everConnected) {
          log.info("Redis subscriber reconnected; {} channels subscribed again", channels.size());
          onResubscribed.run();
        }
        everConnected = true;
        releaseHeldMessages();
        firstConnect.tryComplete();
        List<Promise<Void>> waiting = new ArrayList<>(untilConnected);
        untilConnected.clear();
        waiting.forEach(Promise::tryComplete);
      }));
    }));
  }

  /** Whether some subscribed channel hashes to one of {@code slots} (cluster mode). */
  boolean holdsChannelIn(BitSet slots) {
    if (slots.isEmpty()) {
      return false;
    }
    for (String channel : channels) {
      if (slots.get(HashSlot.of(channel))) {
        return true;
      }
    }
    return false;
  }

  /** Drops the current connection (if any) and starts over, e.g. after the cluster's slots moved. */
  void reconnect(String reason) {
    if (connection != null) {
      lost(connection, reason);
    }
  }

  private void releaseHeldMessages() {
    List<String[]> held = new ArrayList<>(heldWhileResubscribing);
    heldWhileResubscribing.clear();
    for (String[] m : held) {
      onMessage.accept(m[0], m[1]);
    }
  }

  private void lost(RedisConnection conn, String reason) {
    if (conn != connection || closed) {
      return;
    }
    connection = null;
    connected = false;
    heldWhileResubscribing.clear(); // the repair after the next connect reads them from history
    failUnconfirmed(reason);
    unsubscribing.clear();
    log.warn("Redis subscriber lost ({}); reconnecting", reason);
    conn.close();
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closed || reconnectScheduled) {
      return;
    }
    reconnectScheduled = true;
    long base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(attempt, 10));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    attempt++;
    context.owner().setTimer(delay, t -> onContext(() -> {
      reconnectScheduled = false;
      if (!closed && connection == null) {
        connect();
      }
    }));
  }

  /**
   * Subscribes a channel; completes once Redis confirmed it, so events published from then on
   * arrive live. The channel is also subscribed again after every reconnect: while the subscriber
   * is away, this completes when the next connection has subscribed it.
   */
  Future<Void> subscribe(String channel) {
    channels.add(channel);
    Promise<Void> live = Promise.promise();
    if (connection == null) {
      untilConnected.add(live);
      return live.future();
    }
    sendSubscribe(connection, channel).onComplete(ar -> {
      if (ar.succeeded()) {
        live.tryComplete();
      } else if (closed) {
        live.tryFail(ar.cause());
      } else {
        untilConnected.add(live); // the connection is being replaced, and subscribes it again
      }
    });
    return live.future();
  }

  Future<Void> unsubscribe(String channel) {
    channels.remove(channel);
    if (connection == null) {
      return Future.succeededFuture();
    }
    unsubscribing.merge(channel, 1, Integer::sum);
    return connection.send(Request.cmd(sharded ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE).arg(channel))
        .mapEmpty();
  }

  Future<Void> close() {
    closed = true;
    connected = false;
    failUnconfirmed("closed");
    List<Promise<Void>> waiting = new ArrayList<>(untilConnected);
    untilConnected.clear();
    waiting.forEach(p -> p.tryFail("closed"));
    if (connection != null) {
      connection.close();
      connection = null;
    }
    return client == null ? Future.succeededFuture() : client.close();
  }

  /** Sends (S)SUBSCRIBE and waits for Redis' confirmation, which arrives as a push. */
  private Future<Void> sendSubscribe(RedisConnection conn, String channel) {
    Promise<Void> confirmed = Promise.promise();
    unconfirmed.computeIfAbsent(channel, c -> new ArrayList<>(1)).add(confirmed);
    long timer = context.owner().setTimer(CONFIRM_TIMEOUT_MS, t -> onContext(() ->
        confirmed.tryFail("no confirmation of the subscription to " + channel + " within " + CONFIRM_TIMEOUT_MS + " ms")));
    confirmed.future().onComplete(ar -> context.owner().cancelTimer(timer));
    conn.send(Request.cmd(sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE).arg(channel))
        .onFailure(e -> onContext(() -> confirmed.tryFail(e)));
    Future<Void> result = confirmed.future();
    // A subscription that Redis never confirms means this connection cannot be trusted.
    result.onFailure(e -> onContext(() -> lost(conn, e.getMessage())));
    return result;
  }

  private void failUnconfirmed(String reason) {
    if (unconfirmed.isEmpty()) {
      return;
    }
    List<Promise<Void>> pending = new ArrayList<>();
    unconfirmed.values().forEach(pending::addAll);
    unconfirmed.clear();
    pending.forEach(p -> p.tryFail(reason));
  }

  /**
   * Everything Redis pushes on the subscriber connection: messages, confirmations of our own
   * (un)subscribes, subscriptions Redis dropped by itself, and error replies.
   */
  private void onPush(RedisConnection conn, Response r) {
    if (conn != connection || r == null) {
      return;
    }
    if (r.type() == ResponseType.ERROR) {
      // MOVED (the slot is elsewhere now), CLUSTERDOWN, ...: start over with fresh slots.
      lost(conn, "Redis answered " + r);
      return;
    }
    if ((r.type() != ResponseType.PUSH && r.type() != ResponseType.MULTI) || r.size() < 2) {
      return;
    }
    String kind = r.get(0).toString();
    String channel = r.get(1).toString();
    switch (kind) {
      case "message", "smessage" -> {
        Response payload = r.size() > 2 ? r.get(2) : null;
        String text = payload == null ? "" : payload.toString();
        if (connected) {
          onMessage.accept(channel, text);
        } else {
          // Live messages on channels confirmed before the others: hold them until the node has
          // marked its topics for repair, or they would move its position past the gap.
          heldWhileResubscribing.add(new String[] {channel, text});
        }
      }
      case "subscribe", "ssubscribe" -> {
        List<Promise<Void>> waiting = unconfirmed.remove(channel);
        if (waiting != null) {
          waiting.forEach(Promise::tryComplete);
        }
      }
      case "unsubscribe", "sunsubscribe" -> {
        Integer ours = unsubscribing.get(channel);
        if (ours != null) {
          if (ours == 1) {
            unsubscribing.remove(channel);
          } else {
            unsubscribing.put(channel, ours - 1);
          }
        } else if (channels.contains(channel)) {
          // Redis Cluster drops the subscriptions of a slot that moved to another node.
          lost(conn, "Redis dropped the subscription to " + channel + " (its slot moved?)");
        }
      }
      default -> {
        // pong and the like: nothing to do
      }
    }
  }

  private void onContext(Runnable action) {
    if (Vertx.currentContext() == context) {
      action.run();
    } else {
      context.runOnContext(v -> action.run());
    }
  }
}

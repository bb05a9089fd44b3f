package dev.ssegateway.gateway.broker.redis;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's one subscriber connection to Redis. The Vert.x client neither reconnects nor
 * resubscribes by itself, so this class does: when the connection drops it reconnects with
 * exponential backoff and jitter, subscribes every channel the node still holds, and then
 * reports the reconnect so that the node can repair what it missed from history.
 *
 * <p>Confined to one context: every method must run on it.
 */
final class RedisSubscriber {
  private static final Logger log = LoggerFactory.getLogger(RedisSubscriber.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5000;

  private final Context context;
  private final Redis client;
  private final boolean sharded;
  private final BiConsumer<String, String> onMessage;
  private final Runnable onResubscribed;
  private final Set<String> channels = new HashSet<>();
  private RedisConnection connection;
  private boolean connected;
  private boolean everConnected;
  private boolean closed;
  private int attempt;

  RedisSubscriber(Context context, Redis client, boolean sharded, BiConsumer<String, String> onMessage,
      Runnable onResubscribed) {
    this.context = context;
    this.client = client;
    this.sharded = sharded;
    this.onMessage = onMessage;
    this.onResubscribed = onResubscribed;
  }

  boolean isConnected() {
    return connected;
  }

  /** Connects; completes at the first successful connection or fails with the first error. */
  Future<Void> start() {
    return connect().onFailure(e -> scheduleReconnect());
  }

  private Future<Void> connect() {
    return client.connect().compose(conn -> {
      if (closed) {
        conn.close();
        return Future.failedFuture("closed");
      }
      connection = conn;
      conn.handler(this::onPush);
      conn.exceptionHandler(e -> context.runOnContext(v -> lost(conn, e)));
      conn.endHandler(v -> context.runOnContext(x -> lost(conn, null)));
      List<Future<Void>> subscribed = new ArrayList<>();
      for (String channel : channels) {
        subscribed.add(send(conn, subscribeCommand(), channel));
      }
      return Future.all(subscribed).map(conn);
    }).transform(ar -> {
      // Hop back: the client may complete on its own context.
      io.vertx.core.Promise<Void> p = io.vertx.core.Promise.promise();
      context.runOnContext(v -> {
        if (ar.failed()) {
          p.fail(ar.cause());
          return;
        }
        if (connection != ar.result()) {
          p.fail("superseded");
          return;
        }
        connected = true;
        attempt = 0;
        if (everConnected) {
          log.info("Redis subscriber reconnected; {} channels subscribed again", channels.size());
          onResubscribed.run();
        }
        everConnected = true;
        p.complete();
      });
      return p.future();
    });
  }

  private void lost(RedisConnection conn, Throwable error) {
    if (conn != connection || closed) {
      return;
    }
    connection = null;
    connected = false;
    log.warn("Redis subscriber connection lost{}; reconnecting", error == null ? "" : " (" + error.getMessage() + ")");
    conn.close();
    scheduleReconnect();
  }

  private void scheduleReconnect() {
    if (closed) {
      return;
    }
    long base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(attempt, 10));
    long delay = base / 2 + ThreadLocalRandom.current().nextLong(base / 2 + 1);
    attempt++;
    context.owner().setTimer(delay, t -> context.runOnContext(v -> connect().onFailure(e -> {
      log.debug("Redis subscriber reconnect failed: {}", e.getMessage());
      if (connection == null) {
        scheduleReconnect();
      }
    })));
  }

  /** Subscribes a channel now if connected; it is also subscribed again after every reconnect. */
  Future<Void> subscribe(String channel) {
    channels.add(channel);
    if (!connected) {
      return Future.failedFuture("Redis subscriber is not connected");
    }
    return send(connection, subscribeCommand(), channel);
  }

  Future<Void> unsubscribe(String channel) {
    channels.remove(channel);
    if (!connected) {
      return Future.succeededFuture();
    }
    return send(connection, sharded ? Command.SUNSUBSCRIBE : Command.UNSUBSCRIBE, channel);
  }

  Future<Void> close() {
    closed = true;
    connected = false;
    if (connection != null) {
      connection.close();
      connection = null;
    }
    return Future.succeededFuture();
  }

  private Command subscribeCommand() {
    return sharded ? Command.SSUBSCRIBE : Command.SUBSCRIBE;
  }

  private static Future<Void> send(RedisConnection conn, Command command, String channel) {
    return conn.send(Request.cmd(command).arg(channel)).mapEmpty();
  }

  /** {@code [message, channel, payload]} or {@code [smessage, channel, payload]}; nothing else. */
  private void onPush(Response r) {
    if (r == null || r.size() < 3) {
      return;
    }
    String kind = r.get(0).toString();
    if ("message".equals(kind) || "smessage".equals(kind)) {
      Response payload = r.get(2);
      onMessage.accept(r.get(1).toString(), payload == null ? "" : payload.toString());
    }
  }
}

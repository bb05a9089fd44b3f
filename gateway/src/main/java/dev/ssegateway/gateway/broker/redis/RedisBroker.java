package dev.ssegateway.gateway.broker.redis;

import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.broker.BrokerListener;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.HistoryPolicy;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.PublishedIds;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.PublisherOptions;
import dev.ssegateway.publisher.RedisPublisher;
import dev.ssegateway.publisher.WireFormat;
import dev.ssegateway.publisher.WireMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Redis as the broker: a Redis Stream per topic holds the bounded history, pub/sub (sharded
 * pub/sub in cluster mode) fans events out to every node, and one Lua script does both at once
 * so that ids are assigned in the same order they are delivered.
 *
 * <p>Readiness rests on a canary: every second the node publishes to its own canary channel and
 * checks that the message came back through its subscriber connection. A PING would stay green
 * while a dead subscription silently stops delivery.
 */
public final class RedisBroker implements Broker {
  private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
  private static final long CANARY_INTERVAL_MS = 1000;
  private static final long CANARY_STALE_MS = 3500;
  private static final long SLOTS_CHECK_MS = 2000;

  private final Vertx vertx;
  private final Context context;
  private final GatewayMetrics metrics;
  private final String prefix;
  private final boolean sharded;
  private final String canaryChannel;
  private final Redis commands;
  private final RedisOptions options;
  private final RedisPublisher publisher;
  private final HistoryReader history;
  private final HistoryPolicy policy;
  private RedisSubscriber subscriber;
  private BrokerListener listener;
  private volatile long lastCanaryMs;
  private long canaryTimer = -1;
  private ClusterSlotsWatch slotsWatch;
  private long slotsTimer = -1;
  private long lastSlotsCheckMs;

  public RedisBroker(Vertx vertx, Context context, GatewayConfig config, GatewayMetrics metrics) {
    this.vertx = vertx;
    this.context = context;
    this.metrics = metrics;
    this.prefix = config.string(Setting.REDIS_PREFIX);
    this.sharded = config.string(Setting.REDIS_MODE).equals("cluster");
    this.canaryChannel = prefix + "canary:{" + config.nodeId() + "}";
    RedisOptions options = RedisOptionsFactory.create(config);
    this.options = options;
    this.commands = Redis.createClient(vertx, options);
    this.policy = new HistoryPolicy(config.intValue(Setting.HISTORY_SIZE), config.longValue(Setting.HISTORY_TTL_MS));
    // The node's own publishes trim with its settings directly: the policy it writes for the others.
    this.publisher = new RedisPublisher(commands, new PublisherOptions()
        .setPrefix(prefix)
        .setSharded(sharded)
        .setHistorySize(policy.size())
        .setHistoryMaxAgeMs(policy.ttlMs())
        .setMaxDataBytes(config.intValue(Setting.MAX_DATA_BYTES)));
    this.history = new HistoryReader(commands, prefix, config.longValue(Setting.HISTORY_TTL_MS));
  }

  @Override
  public Future<Void> start(BrokerListener listener) {
    this.listener = listener;
    return onContext(() -> {
      // A fresh client for each subscriber connection: it reads the cluster's slots or asks the
      // Sentinel for the master anew, instead of trusting a view cached before the change.
      subscriber = new RedisSubscriber(context, () -> Redis.createClient(vertx, new RedisOptions(options)), sharded,
          this::onMessage, () -> {
        metrics.redisReconnected();
        writePolicy(); // a Redis that restarted without persistence lost it
        sendCanary(); // readiness waits for a round trip on the new connection
        listener.onResubscribed();
      });
      subscriber.subscribe(canaryChannel);
      canaryTimer = vertx.setPeriodic(CANARY_INTERVAL_MS, t -> sendCanary());
      if (sharded) {
        slotsWatch = new ClusterSlotsWatch(commands);
        slotsTimer = vertx.setPeriodic(SLOTS_CHECK_MS, t -> checkSlots());
      }
      // Start even when Redis is down: readiness stays false and the subscriber keeps retrying.
      return subscriber.start().onSuccess(v -> {
        writePolicy();
        sendCanary();
      }).recover(e -> {
        log.warn("Redis is not reachable yet ({}); retrying in the background", e.getMessage());
        return Future.succeededFuture();
      });
    });
  }

  /**
   * Writes this node's history policy where every other publisher reads it (the CLI, the Java
   * library, the publish script): one policy per deployment, whoever publishes. Nodes of one
   * deployment should agree; a node that finds another policy says so, and the last writer wins.
   */
  private void writePolicy() {
    String key = WireFormat.historyPolicyKey(prefix);
    commands.send(Request.cmd(Command.HMGET).arg(key).arg(WireFormat.POLICY_SIZE).arg(WireFormat.POLICY_TTL_MS))
        .compose(previous -> {
          if (previous.get(0) != null && !HistoryPolicy.fromStored(previous.get(0).toString(),
              previous.get(1) == null ? null : previous.get(1).toString()).equals(policy)) {
            log.warn("History policy in Redis ({}) was size {} ttlMs {}; this node writes size {} ttlMs {}"
                    + " (SSE_HISTORY_SIZE, SSE_HISTORY_TTL_MS should agree on every node)", key, previous.get(0),
                previous.get(1), policy.size(), policy.ttlMs());
          }
          return commands.send(Request.cmd(Command.HSET).arg(key)
              .arg(WireFormat.POLICY_SIZE).arg(policy.size()).arg(WireFormat.POLICY_TTL_MS).arg(policy.ttlMs()));
        })
        .onFailure(e -> log.warn("Could not write the history policy to Redis ({}); retried on reconnect", e.toString()));
  }

  private void sendCanary() {
    commands.send(Request.cmd(sharded ? Command.SPUBLISH : Command.PUBLISH).arg(canaryChannel)
            .arg(Long.toString(System.currentTimeMillis())))
        .onFailure(e -> log.debug("Canary publish failed: {}", e.getMessage()));
  }

  /**
   * Starts the subscriber over when a slot it holds a channel in changed owner and its connection
   * predates the last read that still saw the old owners (a newer connection was made with fresh
   * slots, or gets MOVED and starts over by itself).
   */
  private void checkSlots() {
    long started = System.currentTimeMillis();
    slotsWatch.changedSlots().onComplete(ar -> context.runOnContext(v -> {
      long previous = lastSlotsCheckMs;
      if (ar.failed()) {
        return;
      }
      lastSlotsCheckMs = started;
      if (subscriber.connectedAtMs() < previous && subscriber.holdsChannelIn(ar.result())) {
        subscriber.reconnect("a subscribed slot changed owner");
      }
    }));
  }

  private void onMessage(String channel, String payload) {
    if (channel.equals(canaryChannel)) {
      lastCanaryMs = System.currentTimeMillis();
      return;
    }
    String topic = WireFormat.topicOfChannel(prefix, channel);
    if (topic != null) {
      listener.onMessage(topic, WireMessage.decode(payload));
    }
  }

  @Override
  public Future<String> publish(PublishRequest request) {
    return publisher.publish(request);
  }

  @Override
  public Future<PublishedIds> publishBatch(List<PublishRequest> events, Idempotency idempotency) {
    return publisher.publishBatch(events, idempotency);
  }

  @Override
  public Future<Void> claimIdempotencyKey(Idempotency idempotency) {
    return publisher.claimIdempotencyKey(idempotency);
  }

  @Override
  public Future<Void> subscribe(String topic) {
    return onContext(() -> subscriber.subscribe(WireFormat.channel(prefix, topic)));
  }

  @Override
  public Future<Void> unsubscribe(String topic) {
    return onContext(() -> subscriber.unsubscribe(WireFormat.channel(prefix, topic)));
  }

  @Override
  public Future<HistoryPage> readAfter(String topic, EventId after, int limit) {
    return history.readAfter(topic, after, limit);
  }

  @Override
  public boolean isDelivering() {
    // The canary must have come back through the current connection: one from before a reconnect
    // proves nothing about the new one (nor that publishing reaches the new master).
    return subscriber != null && subscriber.isConnected()
        && lastCanaryMs >= subscriber.connectedAtMs()
        && System.currentTimeMillis() - lastCanaryMs < CANARY_STALE_MS;
  }

  @Override
  public Future<Void> close() {
    if (canaryTimer >= 0) {
      vertx.cancelTimer(canaryTimer);
    }
    if (slotsTimer >= 0) {
      vertx.cancelTimer(slotsTimer);
    }
    return onContext(() -> subscriber == null ? Future.succeededFuture() : subscriber.close())
        .eventually(() -> {
          commands.close();
          return Future.succeededFuture();
        });
  }

  /** Runs {@code action} on the subscriber's context, where all subscription state lives. */
  private <T> Future<T> onContext(Supplier<Future<T>> action) {
    if (Vertx.currentContext() == context) {
      return action.get();
    }
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}

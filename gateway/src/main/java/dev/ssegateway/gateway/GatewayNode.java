package dev.ssegateway.gateway;

import dev.ssegateway.gateway.auth.AccessPolicy;
import dev.ssegateway.gateway.auth.JwtVerifier;
import dev.ssegateway.gateway.auth.TokenSource;
import dev.ssegateway.gateway.auth.TokenVerifier;
import dev.ssegateway.gateway.auth.TopicPattern;
import dev.ssegateway.gateway.auth.hook.AuthHook;
import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.broker.memory.MemoryBroker;
import dev.ssegateway.gateway.broker.redis.RedisBroker;
import dev.ssegateway.gateway.cluster.NodeReport;
import dev.ssegateway.gateway.cluster.hazelcast.HazelcastClusterState;
import dev.ssegateway.gateway.cluster.hazelcast.HazelcastConfigFactory;
import dev.ssegateway.gateway.config.GatewayConfig;
import dev.ssegateway.gateway.config.Setting;
import dev.ssegateway.gateway.http.HttpGuards;
import dev.ssegateway.gateway.http.HttpVerticle;
import dev.ssegateway.gateway.http.NodeServices;
import dev.ssegateway.gateway.http.Readiness;
import dev.ssegateway.gateway.hub.Hub;
import dev.ssegateway.gateway.limits.Admission;
import dev.ssegateway.gateway.limits.ClientAddress;
import dev.ssegateway.gateway.limits.PublishRateLimiter;
import dev.ssegateway.gateway.metrics.GatewayMetrics;
import io.vertx.core.Context;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node: its Vert.x, its Hazelcast member, its broker, its hub and HTTP verticles.
 * Several nodes can run in one JVM (the tests do), each fully separate.
 */
public final class GatewayNode {
  private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);
  /** Connections close in a wave every this often during a drain. */
  static final long DRAIN_WAVE_MS = 250;

  private final GatewayConfig config;
  private final Vertx vertx;
  private final GatewayMetrics metrics;
  private HttpGuards guards;
  private final Broker broker;
  private final Hub hub;
  private HazelcastClusterState cluster;
  private Readiness readiness;
  private NodeServices services;
  private String deploymentId;
  private long reportTimer = -1;
  private final List<HttpVerticle> verticles = new CopyOnWriteArrayList<>();

  private GatewayNode(GatewayConfig config) {
    this.config = config;
    this.vertx = Vertx.builder()
        .with(new VertxOptions().setPreferNativeTransport(true).setEventLoopPoolSize(config.eventLoops()))
        .build();
    this.metrics = new GatewayMetrics(config.nodeId());
    // The hub and the broker's subscriber share one context: messages reach the hub without a hop.
    Context hubContext = vertx.getOrCreateContext();
    this.broker = config.isSet(Setting.REDIS_URL)
        ? new RedisBroker(vertx, hubContext, config, metrics)
        : new MemoryBroker(config.intValue(Setting.HISTORY_SIZE), config.longValue(Setting.HISTORY_TTL_MS));
    this.hub = new Hub(hubContext, broker, metrics);
  }

  public static Future<GatewayNode> start(GatewayConfig config) {
    GatewayNode node = new GatewayNode(config);
    // A failed start releases what did start (the Hazelcast member, Vert.x), from a thread of
    // its own, so that a retry in the same JVM starts clean. The result is a promise bound to no
    // context: a future chained on the node's own context would be completed through that
    // context's executor, which closing Vert.x has shut down (RejectedExecutionException), and
    // the caller would wait forever (Main waited its full 120 s).
    Promise<GatewayNode> started = Promise.promise();
    node.startParts().onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(node);
        return;
      }
      if (node.cluster != null) {
        node.cluster.terminate();
      }
      Promise<Void> closed = Promise.promise();
      closed.future().onComplete(x -> started.fail(ar.cause()));
      node.closeVertx(closed, System.currentTimeMillis());
    });
    return started.future();
  }

  private Future<Void> startParts() {
    long reportTtl = Math.max(5000, config.longValue(Setting.STATS_INTERVAL_MS) * 5);
    return HazelcastClusterState.start(vertx, HazelcastConfigFactory.create(config), reportTtl,
            config.intValue(Setting.MAX_CURSORS_PER_OWNER))
        .compose(c -> {
          cluster = c;
          return config.tokensRequired()
              ? JwtVerifier.start(vertx, config).map(v -> (TokenVerifier) v)
              : Future.succeededFuture((TokenVerifier) null);
        })
        .compose(verifier -> {
          HazelcastClusterState c = cluster;
          readiness = new Readiness(broker, cluster);
          ClientAddress clientAddress = new ClientAddress(config.list(Setting.TRUSTED_PROXIES));
          AccessPolicy access = new AccessPolicy(verifier, new TokenSource(config.string(Setting.JWT_COOKIE)),
              TopicPattern.all(config.list(Setting.PUBLIC_TOPICS)), AuthHook.create(vertx, config, metrics, clientAddress));
          services = new NodeServices(config, hub, broker, cluster, metrics, readiness, access,
              new PublishRateLimiter(config.intValue(Setting.PUBLISH_RATE)),
              new Admission(config.intValue(Setting.MAX_CONNECTIONS), config.intValue(Setting.MAX_CONNECTIONS_PER_ADDRESS)),
              clientAddress);
          guards = HttpGuards.create(config, metrics);
          metrics.gauge("sse.cluster.members", "Members of this node's Hazelcast cluster", c::memberCount);
          metrics.gauge("sse.connections.reserved",
              "Stream places held: open streams plus requests still being checked", services.admission()::held);
          return broker.start(hub);
        })
        .compose(v -> vertx.deployVerticle(() -> {
          HttpVerticle verticle = new HttpVerticle(services, guards);
          verticles.add(verticle);
          return verticle;
        },
            new DeploymentOptions().setInstances(config.eventLoops())))
        .map(id -> {
          deploymentId = id;
          reportTimer = vertx.setPeriodic(config.longValue(Setting.STATS_INTERVAL_MS), t -> report());
          report();
          return null;
        });
  }

  private void report() {
    hub.topicCounts().compose(counts -> hub.lastIds().map(ids ->
            new NodeReport(config.nodeId(), config.string(Setting.HTTP_HOST) + ":" + port(), metrics.connections(), counts, ids)))
        .onSuccess(cluster::report)
        .onFailure(e -> log.debug("Stats report failed: {}", e.getMessage()));
  }

  public GatewayConfig config() {
    return config;
  }

  public Vertx vertx() {
    return vertx;
  }

  public Hub hub() {
    return hub;
  }

  public Broker broker() {
    return broker;
  }

  public GatewayMetrics metrics() {
    return metrics;
  }

  /** This node's Hazelcast member (for tests and operator tooling in this JVM). */
  public HazelcastClusterState cluster() {
    return cluster;
  }

  /** What this node's HTTP verticles share (limits, cluster state), for tests. */
  public NodeServices services() {
    return services;
  }

  public Readiness readiness() {
    return readiness;
  }

  public int port() {
    return config.intValue(Setting.HTTP_PORT);
  }

  /**
   * What SIGTERM does: readiness turns false at once, the node stops accepting, then closes its
   * connections in paced waves over the drain window, then stops. Completes within the window
   * plus a few seconds.
   */
  public Future<Void> drainAndStop() {
    readiness.startDraining();
    long windowMs = config.longValue(Setting.DRAIN_MS);
    long retryMs = config.longValue(Setting.RETRY_MS);
    log.info("Draining {} connections over {} ms", metrics.connections(), windowMs);
    verticles.forEach(v -> v.stopAccepting(windowMs + 5000));
    List<Future<Void>> drained = new ArrayList<>();
    for (var loop : hub.loops()) {
      Promise<Void> p = Promise.promise();
      loop.context().runOnContext(x -> loop.drain(windowMs, DRAIN_WAVE_MS, retryMs).onComplete(p));
      drained.add(p.future());
    }
    return Future.all(drained).transform(ar -> {
      log.info("Drained; stopping");
      return stop();
    });
  }

  /** Stops cleanly: connections end, the member leaves the cluster, the broker disconnects. */
  public Future<Void> stop() {
    if (reportTimer >= 0) {
      vertx.cancelTimer(reportTimer);
    }
    long start = System.currentTimeMillis();
    Promise<Void> stopped = Promise.promise();
    Future<Void> undeploy = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    undeploy.eventually(() -> step("http", start, broker.close()))
        .eventually(() -> step("broker", start, cluster == null ? Future.succeededFuture() : cluster.close()))
        .onComplete(ar -> closeVertx(stopped, start));
    return stopped.future();
  }

  /**
   * Closes Vert.x from a thread of its own: a close chained on an event loop never completes,
   * because the loop that would run the completion is the one being shut down.
   */
  private void closeVertx(Promise<Void> stopped, long start) {
    Thread closer = new Thread(() -> {
      try {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      log.info("Node {} stopped in {} ms", config.nodeId(), System.currentTimeMillis() - start);
      stopped.complete();
    }, "sse-stop");
    closer.setDaemon(true);
    closer.start();
  }

  private static <T> Future<T> step(String done, long start, Future<T> next) {
    log.debug("stop: {} done after {} ms", done, System.currentTimeMillis() - start);
    return next;
  }

  /** Stops as if the process died: no goodbye to the cluster, sockets just close (for tests). */
  public Future<Void> crash() {
    if (cluster != null) {
      cluster.terminate();
    }
    return vertx.close();
  }
}

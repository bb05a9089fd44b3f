package dev.ssegateway.gateway.http;

import dev.ssegateway.gateway.broker.Broker;
import dev.ssegateway.gateway.cluster.ClusterState;
import io.vertx.core.json.JsonObject;

/**
 * Whether this node should receive traffic: the broker is proven to deliver (for Redis, a
 * pub/sub round trip, not just a PING), the cluster is joined, and the node is not draining.
 */
public final class Readiness {
  private final Broker broker;
  private final ClusterState cluster;
  private volatile boolean draining;

  public Readiness(Broker broker, ClusterState cluster) {
    this.broker = broker;
    this.cluster = cluster;
  }

  public void startDraining() {
    draining = true;
  }

  public boolean isDraining() {
    return draining;
  }

  public boolean isReady() {
    return !draining && broker.isDelivering() && cluster.isJoined();
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("ready", isReady())
        .put("broker", broker.isDelivering() ? "delivering" : "down")
        .put("cluster", cluster.isJoined() ? "joined" : "down")
        .put("draining", draining);
  }
}

package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * One node's counts, as it publishes them to the cluster every stats interval.
 *
 * @param topics local connections per topic
 * @param lastIds last event id this node delivered per topic
 */
public record NodeReport(String nodeId, String address, int connections, Map<String, Integer> topics,
    Map<String, String> lastIds) {

  public String toJson() {
    JsonObject t = new JsonObject();
    topics.forEach(t::put);
    return new JsonObject().put("node", nodeId).put("address", address).put("connections", connections)
        .put("topics", t).put("updatedAt", System.currentTimeMillis()).encode();
  }
}

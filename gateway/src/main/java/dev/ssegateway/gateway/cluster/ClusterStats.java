package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The answer of {@code GET /stats}: connection counts per node, per topic and in total. */
public record ClusterStats(List<JsonObject> nodes, Map<String, String> lastIds) {

  public static ClusterStats fromReports(Collection<String> reportsJson, Map<String, String> lastIds) {
    List<JsonObject> nodes = reportsJson.stream().map(JsonObject::new)
        .sorted(Comparator.comparing(o -> o.getString("node", ""))).toList();
    return new ClusterStats(nodes, lastIds);
  }

  public JsonObject toJson() {
    long total = 0;
    Map<String, Long> topics = new TreeMap<>();
    JsonArray nodeArray = new JsonArray();
    for (JsonObject n : nodes) {
      total += n.getInteger("connections", 0);
      n.getJsonObject("topics", new JsonObject()).forEach(e ->
          topics.merge(e.getKey(), ((Number) e.getValue()).longValue(), Long::sum));
      nodeArray.add(new JsonObject().put("node", n.getString("node")).put("address", n.getString("address"))
          .put("connections", n.getInteger("connections", 0)).put("updatedAt", n.getLong("updatedAt")));
    }
    JsonObject topicJson = new JsonObject();
    topics.forEach((t, c) -> {
      JsonObject o = new JsonObject().put("connections", c);
      if (lastIds.containsKey(t)) {
        o.put("lastEventId", lastIds.get(t));
      }
      topicJson.put(t, o);
    });
    return new JsonObject().put("connections", total).put("nodeCount", nodes.size()).put("nodes", nodeArray)
        .put("topics", topicJson);
  }
}

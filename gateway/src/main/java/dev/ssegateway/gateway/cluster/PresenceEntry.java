package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonObject;

/** One listed connection: the token's {@code sub}, the node holding it, and since when (epoch ms). */
public record PresenceEntry(String sub, String node, long since) {

  public JsonObject toJson() {
    return new JsonObject().put("sub", sub).put("node", node).put("since", since);
  }

  public static PresenceEntry fromJson(JsonObject json) {
    return new PresenceEntry(json.getString("sub"), json.getString("node"), json.getLong("since", 0L));
  }
}

package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's share of a topic's presence.
 *
 * @param count every connection of the node to the topic
 * @param anonymous those without an identity: counted, never listed
 * @param listed identified connections, at most SSE_PRESENCE_MAX_LISTED; the rest are only counted
 */
public record PresenceSlice(String node, int count, int anonymous, List<PresenceEntry> listed) {

  public String encode() {
    JsonArray entries = new JsonArray();
    listed.forEach(e -> entries.add(new JsonArray().add(e.sub()).add(e.since())));
    return new JsonObject().put("node", node).put("count", count).put("anonymous", anonymous)
        .put("listed", entries).encode();
  }

  public static PresenceSlice decode(String json) {
    JsonObject o = new JsonObject(json);
    String node = o.getString("node");
    JsonArray entries = o.getJsonArray("listed", new JsonArray());
    List<PresenceEntry> listed = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      JsonArray e = entries.getJsonArray(i);
      listed.add(new PresenceEntry(e.getString(0), node, e.getLong(1)));
    }
    return new PresenceSlice(node, o.getInteger("count", 0), o.getInteger("anonymous", 0), listed);
  }
}

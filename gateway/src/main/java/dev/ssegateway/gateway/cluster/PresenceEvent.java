package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** A connection of {@code sub} joined or left {@code topic} on {@code node}: the data of {@code sse-presence}. */
public record PresenceEvent(String topic, String sub, String node, String action) {
  public static final String JOIN = "join";
  public static final String LEAVE = "leave";

  public JsonObject toJson() {
    return new JsonObject().put("topic", topic).put("sub", sub).put("node", node).put("action", action);
  }

  public static String encodeAll(List<PresenceEvent> events) {
    JsonArray array = new JsonArray();
    events.forEach(e -> array.add(e.toJson()));
    return array.encode();
  }

  public static List<PresenceEvent> decodeAll(String json) {
    JsonArray array = new JsonArray(json);
    List<PresenceEvent> events = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      JsonObject o = array.getJsonObject(i);
      events.add(new PresenceEvent(o.getString("topic"), o.getString("sub"), o.getString("node"), o.getString("action")));
    }
    return events;
  }
}

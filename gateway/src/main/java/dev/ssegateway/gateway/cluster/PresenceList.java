package dev.ssegateway.gateway.cluster;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The answer of {@code GET /presence}: the shares of every live node merged, counts always, one
 * page of the listed connections, oldest first (ties by sub, then node) so that pages are stable
 * while nobody comes or goes.
 */
public final class PresenceList {
  private static final Comparator<PresenceEntry> ORDER = Comparator.comparingLong(PresenceEntry::since)
      .thenComparing(PresenceEntry::sub).thenComparing(PresenceEntry::node);

  private PresenceList() {}

  public static JsonObject page(String topic, List<PresenceSlice> slices, int offset, int limit) {
    int total = 0;
    int anonymous = 0;
    List<PresenceEntry> all = new ArrayList<>();
    for (PresenceSlice s : slices) {
      total += s.count();
      anonymous += s.anonymous();
      all.addAll(s.listed());
    }
    all.sort(ORDER);
    JsonArray entries = new JsonArray();
    int end = (int) Math.min(all.size(), (long) offset + limit);
    for (int i = offset; i < end; i++) {
      entries.add(all.get(i).toJson());
    }
    return new JsonObject()
        .put("topic", topic)
        .put("total", total)
        .put("anonymous", anonymous)
        .put("listed", all.size())
        // Identified connections above a node's SSE_PRESENCE_MAX_LISTED: counted, not listed.
        .put("unlisted", Math.max(0, total - anonymous - all.size()))
        .put("nodes", slices.size())
        .put("offset", offset)
        .put("entries", entries)
        .put("nextOffset", end < all.size() ? end : null);
  }
}

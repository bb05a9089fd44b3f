package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Per-user connection counts, cluster-wide. Each map entry is one user's counts per member
 * ({@code {"<member uuid>": n}}), changed only by entry processors, which Hazelcast runs
 * atomically on the entry's owner: two nodes cannot both admit the last allowed connection.
 * Counts per member let survivors drop a dead member's share.
 */
final class UserSlots {
  private UserSlots() {}

  static int total(JsonObject counts) {
    int sum = 0;
    for (Map.Entry<String, Object> e : counts) {
      sum += ((Number) e.getValue()).intValue();
    }
    return sum;
  }

  static JsonObject read(String value) {
    return value == null ? new JsonObject() : new JsonObject(value);
  }

  /** Takes a slot for one more connection if the user is under the limit; returns whether it did. */
  static final class Acquire implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String member;
    private final int limit;

    Acquire(String member, int limit) {
      this.member = member;
      this.limit = limit;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      JsonObject counts = read(entry.getValue());
      if (total(counts) >= limit) {
        return false;
      }
      counts.put(member, counts.getInteger(member, 0) + 1);
      entry.setValue(counts.encode());
      return true;
    }
  }

  /** Gives a slot back when a connection ends. */
  static final class Release implements EntryProcessor<String, String, Void> {
    private static final long serialVersionUID = 1L;
    private final String member;

    Release(String member) {
      this.member = member;
    }

    @Override
    public Void process(Map.Entry<String, String> entry) {
      JsonObject counts = read(entry.getValue());
      int left = counts.getInteger(member, 0) - 1;
      if (left > 0) {
        counts.put(member, left);
      } else {
        counts.remove(member);
      }
      entry.setValue(counts.isEmpty() ? null : counts.encode());
      return null;
    }
  }

  /** Drops a dead member's share of every user's count. */
  static final class ForgetMember implements EntryProcessor<String, String, Void> {
    private static final long serialVersionUID = 1L;
    private final String member;

    ForgetMember(String member) {
      this.member = member;
    }

    @Override
    public Void process(Map.Entry<String, String> entry) {
      JsonObject counts = read(entry.getValue());
      if (counts.remove(member) != null) {
        entry.setValue(counts.isEmpty() ? null : counts.encode());
      }
      return null;
    }
  }
}

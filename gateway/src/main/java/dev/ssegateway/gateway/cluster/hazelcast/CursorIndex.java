package dev.ssegateway.gateway.cluster.hazelcast;

import com.hazelcast.map.EntryProcessor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The streamIds one owner has cursors for, oldest first, in one entry per owner changed only by
 * an entry processor (atomic on the entry's partition). Opening a stream moves its streamId to
 * the end; beyond the owner's limit the oldest fall out, and the caller deletes their cursors.
 * This is what bounds one owner: 20,000 unique streamIds from one address kept 20,000 cursors.
 */
final class CursorIndex {
  private CursorIndex() {}

  /** Records a use of {@code streamId}; returns the streamIds that fell out (maybe none). */
  static final class Touch implements EntryProcessor<String, String, String[]> {
    private static final long serialVersionUID = 1L;
    private static final String[] NONE = new String[0];
    private final String streamId;
    private final int limit;

    Touch(String streamId, int limit) {
      this.streamId = streamId;
      this.limit = limit;
    }

    @Override
    public String[] process(Map.Entry<String, String> entry) {
      List<String> ids = entry.getValue() == null || entry.getValue().isEmpty()
          ? new ArrayList<>()
          : new ArrayList<>(Arrays.asList(entry.getValue().split(",")));
      ids.remove(streamId);
      ids.add(streamId);
      String[] evicted = NONE;
      if (ids.size() > limit) {
        List<String> out = ids.subList(0, ids.size() - limit);
        evicted = out.toArray(NONE);
        out.clear();
      }
      entry.setValue(String.join(",", ids)); // also restarts the entry's time-to-live
      return evicted;
    }
  }
}

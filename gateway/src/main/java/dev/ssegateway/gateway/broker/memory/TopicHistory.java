package dev.ssegateway.gateway.broker.memory;

import dev.ssegateway.gateway.broker.HistoryGap;
import dev.ssegateway.gateway.broker.HistoryPage;
import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.publisher.WireMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One topic's bounded history in memory, with the same id and trimming rules as a Redis Stream:
 * ids {@code <ms>-<seq>} that only grow, a size bound and an age bound, and a record of the newest
 * id ever trimmed so that a resume can tell whether anything after the client's id was lost.
 * Not thread-safe: the broker guards each instance.
 */
final class TopicHistory {
  private record Entry(EventId id, WireMessage message) {}

  private final ArrayDeque<Entry> entries = new ArrayDeque<>();
  private EventId lastGenerated = EventId.ZERO;
  private EventId maxDeleted = EventId.ZERO;
  private long lastAppendMs;

  EventId append(String event, String data, Integer retryMs, boolean close, long nowMs, int maxSize, long maxAgeMs) {
    EventId id = nowMs > lastGenerated.ms()
        ? new EventId(nowMs, 0)
        : new EventId(lastGenerated.ms(), lastGenerated.seq() + 1);
    lastGenerated = id;
    lastAppendMs = nowMs;
    entries.addLast(new Entry(id, new WireMessage(id.toString(), event, data, retryMs, close)));
    while (entries.size() > maxSize) {
      maxDeleted = entries.removeFirst().id();
    }
    trimByAge(nowMs, maxAgeMs);
    return id;
  }

  WireMessage last() {
    return entries.getLast().message();
  }

  HistoryPage readAfter(EventId after, int limit, long nowMs, long maxAgeMs) {
    trimByAge(nowMs, maxAgeMs);
    EventId oldest = entries.isEmpty() ? null : entries.getFirst().id();
    boolean headIsClose = !entries.isEmpty() && entries.getLast().id().equals(lastGenerated)
        && entries.getLast().message().close();
    if (after == null) {
      return new HistoryPage(List.of(), false, oldest, lastGenerated, headIsClose, false);
    }
    boolean gap = HistoryGap.isGap(after, true, lastGenerated, maxDeleted);
    List<WireMessage> page = new ArrayList<>();
    boolean more = false;
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.id().isAfter(after)) {
        if (page.size() == limit) {
          more = true;
          break;
        }
        page.add(e.message());
      }
    }
    return new HistoryPage(page, gap, oldest, lastGenerated, headIsClose, more);
  }

  /** Whether this history has been idle so long that keeping it only costs memory. */
  boolean expired(long nowMs, long keyTtlMs) {
    return nowMs - lastAppendMs > keyTtlMs;
  }

  private void trimByAge(long nowMs, long maxAgeMs) {
    if (maxAgeMs <= 0) {
      return;
    }
    long minMs = nowMs - maxAgeMs;
    // Like Redis' XTRIM MINID, but never trims the newest entry: it carries the topic's head.
    while (entries.size() > 1 && entries.getFirst().id().ms() < minMs) {
      maxDeleted = entries.removeFirst().id();
    }
  }
}

package dev.ssegateway.gateway.broker.memory;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The memory broker's idempotency records: what Redis keeps under {@code idem:<id>} (claims) and
 * {@code {topic}:i:<id>} (ids per topic), with the same expiry. Bounded: past
 * {@value #MAX_RECORDS} records the oldest go first, so a flood of keys costs bounded memory (a
 * retry whose record was dropped publishes again, as after expiry).
 */
final class IdempotencyRecords {
  static final int MAX_RECORDS = 100_000;

  /** @param ids null for a claim */
  record Entry(String fingerprint, List<String> ids, long expiresAtMs) {}

  private final Map<String, Entry> entries = new LinkedHashMap<>();

  synchronized Entry get(String key, long nowMs) {
    Entry e = entries.get(key);
    if (e != null && e.expiresAtMs() <= nowMs) {
      entries.remove(key);
      return null;
    }
    return e;
  }

  /** Like SET NX: stores {@code entry} unless a live one is there; returns the one kept before, or null. */
  synchronized Entry putIfAbsent(String key, Entry entry, long nowMs) {
    Entry previous = get(key, nowMs);
    if (previous != null) {
      return previous;
    }
    if (entries.size() >= MAX_RECORDS) {
      sweep(nowMs);
    }
    entries.put(key, entry);
    return null;
  }

  synchronized int size() {
    return entries.size();
  }

  /** Drops expired records, then the oldest while still full. */
  private void sweep(long nowMs) {
    entries.values().removeIf(e -> e.expiresAtMs() <= nowMs);
    Iterator<String> oldest = entries.keySet().iterator();
    while (entries.size() >= MAX_RECORDS && oldest.hasNext()) {
      oldest.next();
      oldest.remove();
    }
  }
}

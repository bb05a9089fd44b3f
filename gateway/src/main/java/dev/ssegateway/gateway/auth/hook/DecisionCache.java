package dev.ssegateway.gateway.auth.hook;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The backend's recent decisions, for the lifetime each one names, at most {@code maxEntries}
 * (least recently used dropped first). Keyed by a digest of everything the gateway forwarded
 * (cookies, headers, client address, topics: {@link HookRequest#cacheKey}), so one browser's
 * answer is never reused for another cookie. Shared by the node's event loops: one lock, O(1) work.
 */
final class DecisionCache {
  private final int maxEntries;
  private final LongSupplier clock;
  private final LinkedHashMap<String, Entry> entries;

  private record Entry(HookDecision decision, long expiresAt) {}

  DecisionCache(int maxEntries, LongSupplier clock) {
    this.maxEntries = maxEntries;
    this.clock = clock;
    this.entries = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
        return size() > DecisionCache.this.maxEntries;
      }
    };
  }

  /** The live decision for this key, or null. */
  synchronized HookDecision get(String key) {
    if (maxEntries == 0) {
      return null;
    }
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (clock.getAsLong() >= e.expiresAt) {
      entries.remove(key);
      return null;
    }
    return e.decision;
  }

  synchronized void put(String key, HookDecision decision) {
    if (maxEntries == 0 || decision.cacheMs() <= 0) {
      return;
    }
    entries.put(key, new Entry(decision, clock.getAsLong() + decision.cacheMs()));
  }

  synchronized int size() {
    return entries.size();
  }
}

package dev.ssegateway.gateway.sse;

/**
 * The id of one event in one topic's history: a Redis stream id {@code <ms>-<seq>}. Ids grow per
 * topic, so comparing two ids of one topic tells which came first; ids of different topics are
 * not comparable in any useful way (Redis Cluster shards have their own clocks).
 */
public record EventId(long ms, long seq) implements Comparable<EventId> {
  /** Before every event: a topic with no history yet. */
  public static final EventId ZERO = new EventId(0, 0);

  /**
   * Parses {@code <ms>-<seq>}: two non-negative decimals of at most 19 digits (so that an overflow
   * always shows as a negative value); null when the text is not an id.
   */
  public static EventId parse(String text) {
    if (text == null) {
      return null;
    }
    int dash = text.indexOf('-');
    if (dash <= 0 || dash == text.length() - 1 || dash > 19 || text.length() - dash > 20) {
      return null;
    }
    long ms = parseDigits(text, 0, dash);
    long seq = parseDigits(text, dash + 1, text.length());
    return ms < 0 || seq < 0 ? null : new EventId(ms, seq);
  }

  private static long parseDigits(String s, int from, int to) {
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
      if (v < 0) {
        return -1;
      }
    }
    return v;
  }

  public boolean isAfter(EventId other) {
    return compareTo(other) > 0;
  }

  @Override
  public int compareTo(EventId o) {
    int c = Long.compare(ms, o.ms);
    return c != 0 ? c : Long.compare(seq, o.seq);
  }

  @Override
  public String toString() {
    return ms + "-" + seq;
  }
}

package dev.ssegateway.gateway.fault;

/**
 * What the fault suite's publisher puts in each event's data: {@code <topic index>:<seq>:<attempt>}.
 * Every publish attempt is a distinct event, so a retry after a lost answer (which may have been
 * published after all) is never mistaken for a duplicate delivery. As a long: seq in the high
 * bits, attempt in the low 20, so keys of one topic sort in publish order.
 */
final class EventKey {
  private static final int ATTEMPT_BITS = 20;

  private EventKey() {}

  static String data(int topic, long seq, int attempt) {
    return topic + ":" + seq + ":" + attempt;
  }

  static long key(long seq, int attempt) {
    return (seq << ATTEMPT_BITS) | attempt;
  }

  static long seq(long key) {
    return key >>> ATTEMPT_BITS;
  }

  static int attempt(long key) {
    return (int) (key & ((1 << ATTEMPT_BITS) - 1));
  }

  /** The topic index of an event's data, or -1 when the data is not the suite's. */
  static int topicOf(String data) {
    int c = data.indexOf(':');
    return c <= 0 ? -1 : parse(data, 0, c);
  }

  /** The key of an event's data, or -1 when the data is not the suite's. */
  static long keyOf(String data) {
    int c1 = data.indexOf(':');
    int c2 = c1 < 0 ? -1 : data.indexOf(':', c1 + 1);
    if (c2 < 0) {
      return -1;
    }
    long seq = parse(data, c1 + 1, c2);
    long attempt = parse(data, c2 + 1, data.length());
    return seq < 0 || attempt < 0 ? -1 : key(seq, (int) attempt);
  }

  static String describe(long key) {
    return seq(key) + "." + attempt(key);
  }

  private static int parse(String s, int from, int to) {
    if (from >= to) {
      return -1;
    }
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }
}

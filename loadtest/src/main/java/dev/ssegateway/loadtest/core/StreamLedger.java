package dev.ssegateway.loadtest.core;

/**
 * Delivery accounting of one subscriber stream (one topic) in O(1) memory: the highest sequence
 * number seen plus a bit window of the numbers just below it. A number seen twice is a
 * duplicate; a number that never arrives is lost (expected minus {@link #accepted()}, computed by
 * the merger from what the publisher published).
 *
 * <p>The window exists because a publisher with several publishes in flight may have them applied by
 * Redis in another order than it numbered them; the gateway delivers in Redis' order. Events that
 * arrive below the highest number are counted as {@link #outOfOrder()} (informational), and they are
 * still checked for duplicates as long as they are within {@link #WINDOW} of the highest number.
 *
 * <p>Not thread-safe: one stream is handled by one event loop (or one Gatling virtual user).
 */
public final class StreamLedger {

  /**
   * How far below the highest number a late event is still recognised. A publisher whose calls
   * stall (a loaded machine: publish calls of over a second were seen) lets later numbers overtake
   * earlier ones by more than its in-flight count, so the window is wide.
   */
  public static final int WINDOW = 4096;

  public final int topicIndex;
  private long high;
  /** Bit (n mod WINDOW) set: sequence number n, within WINDOW below high, was seen. */
  private final long[] seen = new long[WINDOW / 64];
  private long accepted;
  private long duplicates;
  private long outOfOrder;
  private long tooOld;
  private boolean everConnected;

  public StreamLedger(int topicIndex) {
    this.topicIndex = topicIndex;
  }

  /** Accounts one delivered event; returns true for a first delivery (record its latency then). */
  public boolean accept(long seq) {
    if (seq > high) {
      if (seq - high >= WINDOW) {
        java.util.Arrays.fill(seen, 0L);
      } else {
        for (long n = high + 1; n < seq; n++) {
          clear(n);
        }
      }
      high = seq;
      set(seq);
      accepted++;
      return true;
    }
    if (high - seq >= WINDOW) {
      // Too far below to tell: count it as a duplicate (suspect), never as a delivery.
      tooOld++;
      duplicates++;
      return false;
    }
    if (isSet(seq)) {
      duplicates++;
      return false;
    }
    set(seq);
    accepted++;
    outOfOrder++;
    return true;
  }

  private void set(long n) {
    int i = (int) Math.floorMod(n, (long) WINDOW);
    seen[i >>> 6] |= 1L << (i & 63);
  }

  private void clear(long n) {
    int i = (int) Math.floorMod(n, (long) WINDOW);
    seen[i >>> 6] &= ~(1L << (i & 63));
  }

  private boolean isSet(long n) {
    int i = (int) Math.floorMod(n, (long) WINDOW);
    return (seen[i >>> 6] & (1L << (i & 63))) != 0;
  }

  public void markConnected() {
    everConnected = true;
  }

  public boolean everConnected() {
    return everConnected;
  }

  /** Highest sequence number seen (0: none). */
  public long high() {
    return high;
  }

  /** Distinct events received. */
  public long accepted() {
    return accepted;
  }

  public long duplicates() {
    return duplicates;
  }

  /** Events that arrived after a higher-numbered one. */
  public long outOfOrder() {
    return outOfOrder;
  }

  /** Sequence numbers at or below the highest seen that have not arrived (assuming numbering from 1). */
  public long gaps() {
    return high - accepted;
  }

  public long tooOld() {
    return tooOld;
  }
}

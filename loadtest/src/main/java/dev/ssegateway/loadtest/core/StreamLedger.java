package dev.ssegateway.loadtest.core;

/**
 * Delivery accounting of one subscriber stream (one topic) in O(1) memory: the highest sequence
 * number seen plus a 64-bit window of the numbers just below it. A number seen twice is a
 * duplicate; a number that never arrives is lost (expected minus {@link #accepted()}, computed by
 * the merger from what the publisher published).
 *
 * <p>The window exists because a publisher with several publishes in flight may have them applied by
 * Redis in another order than it numbered them; the gateway delivers in Redis' order. Events that
 * arrive below the highest number are counted as {@link #outOfOrder()} (informational), and they are
 * still checked for duplicates as long as they are within 64 of the highest number: keep the
 * publisher's in-flight window under 64 (LoadPublisher's default is 16).
 *
 * <p>Not thread-safe: one stream is handled by one event loop (or one Gatling virtual user).
 */
public final class StreamLedger {

  public static final int WINDOW = 64;

  public final int topicIndex;
  private long high;
  /** Bit i set: sequence number high - 1 - i was seen. */
  private long window;
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
      long shift = seq - high;
      if (shift < WINDOW) {
        window = (window << shift) | (1L << (shift - 1));
      } else if (shift == WINDOW) {
        window = 1L << (WINDOW - 1);
      } else {
        window = 0;
      }
      high = seq;
      accepted++;
      return true;
    }
    if (seq == high) {
      duplicates++;
      return false;
    }
    long d = high - seq;
    if (d > WINDOW) {
      // Too far below to tell: count it as a duplicate (suspect), never as a delivery.
      tooOld++;
      duplicates++;
      return false;
    }
    long bit = 1L << (d - 1);
    if ((window & bit) != 0) {
      duplicates++;
      return false;
    }
    window |= bit;
    accepted++;
    outOfOrder++;
    return true;
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

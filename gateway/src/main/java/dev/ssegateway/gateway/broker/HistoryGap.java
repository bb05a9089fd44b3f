package dev.ssegateway.gateway.broker;

import dev.ssegateway.gateway.sse.EventId;

/**
 * Decides whether a topic's history still covers everything after a client's id. Kept apart as
 * pure logic because this one rule is what "never a silent skip" rests on.
 */
public final class HistoryGap {
  private HistoryGap() {}

  /**
   * @param after the id the client last saw
   * @param exists whether the topic's history exists at all
   * @param lastGenerated the newest id ever appended
   * @param maxDeleted the newest id ever removed by trimming ({@link EventId#ZERO} if none)
   * @return true when events after {@code after} may be missing from history
   */
  public static boolean isGap(EventId after, boolean exists, EventId lastGenerated, EventId maxDeleted) {
    if (!exists) {
      // Expired or never existed: only "before everything" is known to be complete.
      return after.compareTo(EventId.ZERO) > 0;
    }
    if (after.isAfter(lastGenerated)) {
      return true; // an id this history never issued: from another history that has since gone
    }
    // Something after the client's id was trimmed.
    return maxDeleted.isAfter(after);
  }
}

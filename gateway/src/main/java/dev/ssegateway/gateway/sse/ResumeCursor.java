package dev.ssegateway.gateway.sse;

import java.util.List;

/**
 * The {@code id:} a client sees and sends back as {@code Last-Event-ID}: one position per topic of
 * its connection, so that one id is enough to resume every topic exactly.
 *
 * <p>With one topic the id is simply that topic's event id ({@code 1732190000000-0}), the same id
 * {@code POST /publish} returns. With several topics it is their positions in the connection's
 * canonical topic order (sorted, without duplicates) joined by commas:
 * {@code 1732190000000-0,0-0,1732190000042-3}. {@code 0-0} means "before the first event".
 */
public final class ResumeCursor {
  private ResumeCursor() {}

  public static String encode(EventId[] positions) {
    if (positions.length == 1) {
      return positions[0].toString();
    }
    StringBuilder sb = new StringBuilder(positions.length * 16);
    for (int i = 0; i < positions.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(positions[i]);
    }
    return sb.toString();
  }

  /**
   * Decodes an id for a connection with {@code topicCount} topics. Returns null when the text does
   * not describe that many positions: the client's id is then unknown, and every topic resumes
   * from the oldest kept event after an in-band history-lost event.
   */
  public static EventId[] decode(String text, int topicCount) {
    if (text == null || text.isEmpty() || text.length() > topicCount * 42) {
      return null;
    }
    List<String> parts = List.of(text.split(",", -1));
    if (parts.size() != topicCount) {
      return null;
    }
    EventId[] positions = new EventId[topicCount];
    for (int i = 0; i < topicCount; i++) {
      positions[i] = EventId.parse(parts.get(i).trim());
      if (positions[i] == null) {
        return null;
      }
    }
    return positions;
  }
}

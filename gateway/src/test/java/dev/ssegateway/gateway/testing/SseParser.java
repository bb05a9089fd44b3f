package dev.ssegateway.gateway.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * An event-stream parser written from the WHATWG algorithm, independent of the gateway's
 * encoder, so that tests check the bytes on the wire rather than the encoder against itself.
 * Feed it decoded text in any chunking; it returns the events completed so far.
 */
public final class SseParser {
  private final StringBuilder line = new StringBuilder();
  private final StringBuilder data = new StringBuilder();
  private String eventType = "";
  private String lastEventId = "";
  private Long retry;
  private boolean lastWasCr;
  private final List<String> comments = new ArrayList<>();

  public List<SseEvent> feed(String chunk) {
    List<SseEvent> out = new ArrayList<>();
    for (int i = 0; i < chunk.length(); i++) {
      char c = chunk.charAt(i);
      if (lastWasCr && c == '\n') {
        lastWasCr = false;
        continue;
      }
      lastWasCr = c == '\r';
      if (c == '\r' || c == '\n') {
        processLine(line.toString(), out);
        line.setLength(0);
      } else {
        line.append(c);
      }
    }
    return out;
  }

  public String lastEventId() {
    return lastEventId;
  }

  public Long retry() {
    return retry;
  }

  public List<String> comments() {
    return comments;
  }

  private void processLine(String l, List<SseEvent> out) {
    if (l.isEmpty()) {
      dispatch(out);
      return;
    }
    if (l.startsWith(":")) {
      comments.add(l.substring(1));
      return;
    }
    int colon = l.indexOf(':');
    String field = colon < 0 ? l : l.substring(0, colon);
    String value = colon < 0 ? "" : l.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "event" -> eventType = value;
      case "data" -> data.append(value).append('\n');
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastEventId = value;
        }
      }
      case "retry" -> {
        if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
          retry = Long.parseLong(value);
        }
      }
      default -> { }
    }
  }

  private void dispatch(List<SseEvent> out) {
    if (data.length() == 0) {
      eventType = "";
      return;
    }
    String d = data.substring(0, data.length() - 1);
    out.add(new SseEvent(lastEventId, eventType.isEmpty() ? "message" : eventType, d));
    data.setLength(0);
    eventType = "";
  }
}

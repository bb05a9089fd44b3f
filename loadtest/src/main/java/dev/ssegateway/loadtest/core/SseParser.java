package dev.ssegateway.loadtest.core;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A lean, allocation-free (per event) parser of a {@code text/event-stream} for the load-test
 * clients: it follows the WHATWG rules the load test relies on (fields {@code data}, {@code id},
 * {@code event}, {@code retry}; comments; LF, CRLF or CR line ends; an optional space after the colon;
 * dispatch on a blank line) and hands each event's payload ({@link Payload}) to a listener.
 *
 * <p>One parser per stream; not thread-safe.
 */
public final class SseParser {

  /** Receives the events of one stream. */
  public interface Listener {
    /**
     * An event was dispatched. {@code seq} and {@code publishMicros} come from its data when the data
     * is a load-test {@link Payload} ({@code seq < 0} otherwise); {@code historyLost} when it was the
     * gateway's {@code sse-history-lost} event.
     */
    void onEvent(long seq, long publishMicros, boolean historyLost);
  }

  private static final byte[] HISTORY_LOST = "sse-history-lost".getBytes(StandardCharsets.US_ASCII);

  private final Listener listener;
  private byte[] line = new byte[128];
  private int lineLen;
  private boolean lastWasCr;

  private byte[] lastId = new byte[32];
  private int lastIdLen = -1;
  private long retryMs = -1;

  // The event being built.
  private boolean hasData;
  private long seq = -1;
  private long publishMicros;
  private boolean historyLost;
  private final long[] time = new long[1];

  public SseParser(Listener listener) {
    this.listener = listener;
  }

  /** The last event id seen on this stream (what EventSource sends as Last-Event-ID), or null. */
  public String lastEventId() {
    return lastIdLen < 0 ? null : new String(lastId, 0, lastIdLen, StandardCharsets.UTF_8);
  }

  public void lastEventId(String id) {
    if (id == null) {
      lastIdLen = -1;
    } else {
      byte[] b = id.getBytes(StandardCharsets.UTF_8);
      setId(b, 0, b.length);
    }
  }

  /** The last {@code retry:} value (ms), or -1. */
  public long retryMs() {
    return retryMs;
  }

  /** Starts a new stream (after a reconnect): drops a half-read line and event, keeps the last id. */
  public void reset() {
    lineLen = 0;
    lastWasCr = false;
    clearEvent();
  }

  public void feed(byte[] bytes) {
    feed(bytes, 0, bytes.length);
  }

  public void feed(byte[] b, int off, int len) {
    int end = off + len;
    int start = off;
    for (int i = off; i < end; i++) {
      byte c = b[i];
      if (c == '\n' || c == '\r') {
        if (c == '\n' && lastWasCr && i == start && lineLen == 0) {
          // The LF of a CRLF whose CR ended the previous line.
          lastWasCr = false;
          start = i + 1;
          continue;
        }
        if (lineLen == 0) {
          line(b, start, i - start);
        } else {
          append(b, start, i - start);
          line(line, 0, lineLen);
          lineLen = 0;
        }
        lastWasCr = c == '\r';
        start = i + 1;
      } else {
        lastWasCr = false;
      }
    }
    if (start < end) {
      append(b, start, end - start);
    }
  }

  private void append(byte[] b, int off, int len) {
    if (lineLen + len > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + len));
    }
    System.arraycopy(b, off, line, lineLen, len);
    lineLen += len;
  }

  private void line(byte[] b, int off, int len) {
    if (len == 0) {
      dispatch();
      return;
    }
    if (b[off] == ':') {
      return; // comment (heartbeat)
    }
    int colon = -1;
    for (int i = off; i < off + len; i++) {
      if (b[i] == ':') {
        colon = i;
        break;
      }
    }
    int nameLen = colon < 0 ? len : colon - off;
    int vOff = colon < 0 ? off + len : colon + 1;
    if (colon >= 0 && vOff < off + len && b[vOff] == ' ') {
      vOff++;
    }
    int vLen = off + len - vOff;
    if (is(b, off, nameLen, 'd', 'a', 't', 'a')) {
      if (!hasData) {
        hasData = true;
        long s = Payload.parse(b, vOff, vLen, time);
        if (s >= 0) {
          seq = s;
          publishMicros = time[0];
        }
      }
    } else if (is(b, off, nameLen, 'i', 'd')) {
      setId(b, vOff, vLen);
    } else if (is(b, off, nameLen, 'e', 'v', 'e', 'n', 't')) {
      historyLost = vLen == HISTORY_LOST.length && Arrays.equals(b, vOff, vOff + vLen, HISTORY_LOST, 0, vLen);
    } else if (is(b, off, nameLen, 'r', 'e', 't', 'r', 'y')) {
      long v = 0;
      for (int i = vOff; i < vOff + vLen; i++) {
        if (b[i] < '0' || b[i] > '9') {
          return;
        }
        v = v * 10 + (b[i] - '0');
      }
      if (vLen > 0) {
        retryMs = v;
      }
    }
  }

  private void setId(byte[] b, int off, int len) {
    if (len > lastId.length) {
      lastId = new byte[len];
    }
    System.arraycopy(b, off, lastId, 0, len);
    lastIdLen = len;
  }

  private void dispatch() {
    if (hasData) {
      listener.onEvent(seq, publishMicros, historyLost);
    }
    clearEvent();
  }

  private void clearEvent() {
    hasData = false;
    seq = -1;
    publishMicros = 0;
    historyLost = false;
  }

  private static boolean is(byte[] b, int off, int len, char... name) {
    if (len != name.length) {
      return false;
    }
    for (int i = 0; i < len; i++) {
      if (b[off + i] != name[i]) {
        return false;
      }
    }
    return true;
  }
}

package dev.ssegateway.loadtest.core;

/**
 * The data every load-test event carries: {@code s=<seq>;t=<publish time, epoch micros>;} padded with
 * {@code x} to a fixed size. Only characters that need no escaping in JSON or SSE, so the same string
 * goes through {@code POST /publish}, Redis, Nchan and Gatling's JSON view of a message unchanged.
 */
public final class Payload {

  /** The size the scenarios use (~60 bytes of data). */
  public static final int DEFAULT_SIZE = 60;

  private Payload() {}

  public static String encode(long seq, long publishMicros, int size) {
    StringBuilder sb = new StringBuilder(Math.max(size, 40));
    sb.append("s=").append(seq).append(";t=").append(publishMicros).append(';');
    while (sb.length() < size) {
      sb.append('x');
    }
    return sb.toString();
  }

  /** A parsed payload: sequence number and publish time; {@code seq < 0} when the text is not a payload. */
  public record Parsed(long seq, long publishMicros) {
    public boolean valid() {
      return seq >= 0;
    }
  }

  private static final Parsed INVALID = new Parsed(-1, -1);

  /** Parses the payload anywhere inside {@code text} (e.g. Gatling's JSON view of a message). */
  public static Parsed parse(CharSequence text) {
    int n = text.length();
    for (int i = 0; i + 1 < n; i++) {
      if (text.charAt(i) == 's' && text.charAt(i + 1) == '=' && (i == 0 || !Character.isLetterOrDigit(text.charAt(i - 1)))) {
        long seq = 0;
        int j = i + 2;
        int digits = 0;
        while (j < n && Character.isDigit(text.charAt(j))) {
          seq = seq * 10 + (text.charAt(j++) - '0');
          digits++;
        }
        if (digits == 0 || j + 2 >= n || text.charAt(j) != ';' || text.charAt(j + 1) != 't' || text.charAt(j + 2) != '=') {
          continue;
        }
        j += 3;
        long t = 0;
        digits = 0;
        while (j < n && Character.isDigit(text.charAt(j))) {
          t = t * 10 + (text.charAt(j++) - '0');
          digits++;
        }
        return digits == 0 ? INVALID : new Parsed(seq, t);
      }
    }
    return INVALID;
  }

  /**
   * Parses a payload at the start of {@code bytes[off, off+len)} (an SSE data line's value) without
   * allocating: returns the sequence number and stores the publish time in {@code timeOut[0]}, or -1.
   */
  public static long parse(byte[] bytes, int off, int len, long[] timeOut) {
    int end = off + len;
    int i = off;
    if (len < 6 || bytes[i] != 's' || bytes[i + 1] != '=') {
      return -1;
    }
    i += 2;
    long seq = 0;
    int start = i;
    while (i < end && bytes[i] >= '0' && bytes[i] <= '9') {
      seq = seq * 10 + (bytes[i++] - '0');
    }
    if (i == start || i + 2 >= end || bytes[i] != ';' || bytes[i + 1] != 't' || bytes[i + 2] != '=') {
      return -1;
    }
    i += 3;
    long t = 0;
    start = i;
    while (i < end && bytes[i] >= '0' && bytes[i] <= '9') {
      t = t * 10 + (bytes[i++] - '0');
    }
    if (i == start) {
      return -1;
    }
    timeOut[0] = t;
    return seq;
  }
}

package dev.ssegateway.gateway.http;

import io.netty.buffer.ByteBuf;
import java.util.Locale;

/**
 * Follows HTTP/1.1 request framing byte by byte, each byte once, for {@link StrictRequestDecoder}:
 * heads (to see obs-fold, which the decoder silently folds), then bodies by Content-Length or
 * chunked framing (to know where the next head starts). Chunk extensions are checked (visible
 * ASCII, no control bytes) and blanked with spaces, which the decoder reads as the end of the
 * chunk size. After a head it cannot follow (a framing error the decoder will refuse) it stops.
 */
final class FramingScan {
  private enum State {
    FIRST_LINE, LINE_START, NAME, VALUE, HEAD_CR,
    FIXED, SIZE, EXT, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_START, TRAILER, TRAILER_LF, DONE
  }

  private static final int MAX_NAME = 32;
  private static final int MAX_VALUE = 256;

  private State state = State.FIRST_LINE;
  private boolean lineHasContent;
  private final StringBuilder name = new StringBuilder();
  private final StringBuilder value = new StringBuilder();
  private String transferEncoding;
  private String contentLength;
  private boolean headProblem;
  private long remaining;
  private boolean sizeDigits;

  /**
   * Scans {@code buf[from, to)}, blanking chunk extensions in place; returns a problem found in
   * these bytes ("obs-fold" or another sentence), or null.
   */
  String feed(ByteBuf buf, int from, int to) {
    String problem = null;
    for (int i = from; i < to && state != State.DONE; i++) {
      byte b = buf.getByte(i);
      switch (state) {
        case FIRST_LINE -> {
          if (b == '\n') {
            if (lineHasContent) {
              state = State.LINE_START;
            }
          } else if (b != '\r' && b != ' ' && b != '\t') {
            lineHasContent = true;
          }
        }
        case LINE_START -> {
          if (b == ' ' || b == '\t') {
            problem = "obs-fold";
            headProblem = true;
            state = State.VALUE;
          } else if (b == '\r') {
            state = State.HEAD_CR;
          } else if (b == '\n') {
            problem = orElse(problem, headEnded());
          } else {
            name.setLength(0);
            name.append((char) b);
            state = State.NAME;
          }
        }
        case NAME -> {
          if (b == ':') {
            value.setLength(0);
            state = State.VALUE;
          } else if (b == '\n') {
            state = State.LINE_START;
          } else if (name.length() < MAX_NAME) {
            name.append((char) b);
          }
        }
        case VALUE -> {
          if (b == '\n') {
            headerEnded();
            state = State.LINE_START;
          } else if (b != '\r' && value.length() < MAX_VALUE) {
            value.append((char) b);
          }
        }
        case HEAD_CR -> {
          if (b == '\n') {
            problem = orElse(problem, headEnded());
          } else {
            state = State.DONE; // a bare CR: the decoder decides
          }
        }
        case FIXED -> {
          long skip = Math.min(remaining, to - i);
          remaining -= skip;
          i += (int) skip - 1;
          if (remaining == 0) {
            nextHead();
          }
        }
        case SIZE -> {
          if (Character.digit(b, 16) >= 0) {
            remaining = remaining * 16 + Character.digit(b, 16);
            sizeDigits = true;
            if (remaining > Integer.MAX_VALUE) {
              state = State.DONE; // the decoder refuses it
            }
          } else if (b == ';' || b == ' ' || b == '\t') {
            buf.setByte(i, ' ');
            state = State.EXT;
          } else if (b == '\r') {
            state = State.SIZE_LF;
          } else if (b == '\n') {
            sizeLineEnded();
          } else {
            state = State.DONE;
          }
        }
        case EXT -> {
          if (b == '\r') {
            state = State.SIZE_LF;
          } else if (b == '\n') {
            sizeLineEnded();
          } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
            problem = orElse(problem, "A chunk extension holds a control byte");
            state = State.DONE; // the decoder refuses the line too
          } else {
            buf.setByte(i, ' ');
          }
        }
        case SIZE_LF -> {
          if (b == '\n') {
            sizeLineEnded();
          } else {
            state = State.DONE;
          }
        }
        case DATA -> {
          long skip = Math.min(remaining, to - i);
          remaining -= skip;
          i += (int) skip - 1;
          if (remaining == 0) {
            state = State.DATA_CR;
          }
        }
        case DATA_CR -> state = b == '\r' ? State.DATA_LF : (b == '\n' ? startSize() : State.DONE);
        case DATA_LF -> state = b == '\n' ? startSize() : State.DONE;
        case TRAILER_START -> {
          if (b == '\r') {
            state = State.TRAILER_LF;
          } else if (b == '\n') {
            nextHead();
          } else {
            state = State.TRAILER;
          }
        }
        case TRAILER -> {
          if (b == '\n') {
            state = State.TRAILER_START;
          }
        }
        case TRAILER_LF -> {
          if (b == '\n') {
            nextHead();
          } else {
            state = State.DONE;
          }
        }
        default -> { }
      }
    }
    return problem;
  }

  private static String orElse(String first, String second) {
    return first != null ? first : second;
  }

  private void headerEnded() {
    String n = name.toString().trim().toLowerCase(Locale.ROOT);
    String v = value.toString().trim();
    if (n.equals("transfer-encoding")) {
      transferEncoding = transferEncoding == null ? v : transferEncoding + "," + v;
    } else if (n.equals("content-length")) {
      contentLength = contentLength == null ? v : contentLength + "," + v;
    }
  }

  /** The blank line: where does the body end? Null, or a problem. */
  private String headEnded() {
    if (headProblem) {
      state = State.DONE;
      return null;
    }
    if (transferEncoding != null) {
      String[] codings = transferEncoding.split(",");
      boolean chunked = codings[codings.length - 1].trim().equalsIgnoreCase("chunked");
      if (!chunked || contentLength != null) {
        state = State.DONE; // the decoder's checks refuse this head
        return null;
      }
      state = startSize();
      return null;
    }
    if (contentLength != null) {
      try {
        remaining = Long.parseLong(contentLength);
      } catch (NumberFormatException e) {
        state = State.DONE; // the decoder refuses it
        return null;
      }
      if (remaining > 0) {
        state = State.FIXED;
        return null;
      }
    }
    nextHead();
    return null;
  }

  private State startSize() {
    remaining = 0;
    sizeDigits = false;
    return State.SIZE;
  }

  private void sizeLineEnded() {
    if (!sizeDigits) {
      state = State.DONE;
    } else if (remaining == 0) {
      state = State.TRAILER_START;
    } else {
      state = State.DATA;
    }
  }

  private void nextHead() {
    state = State.FIRST_LINE;
    lineHasContent = false;
    transferEncoding = null;
    contentLength = null;
    headProblem = false;
    remaining = 0;
  }
}

package dev.ssegateway.gateway.security;

import dev.ssegateway.gateway.testing.SseEvent;
import dev.ssegateway.gateway.testing.SseParser;
import io.vertx.core.json.JsonObject;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One HTTP/1.1 exchange over a plain socket, byte for byte: hostile tests need to send what no
 * HTTP library would (raw control bytes, invalid UTF-8, malformed percent escapes, oversized
 * lines). Requests are written from latin-1 strings, one char per byte.
 *
 * <p>After the head, either {@link #body()} reads a whole answer, or {@link #readEvents} reads an
 * event stream: chunked transfer encoding undone, the bytes decoded as strict UTF-8 (a malformed
 * sequence is a corrupted stream and fails the test) and parsed by the independent
 * {@link SseParser}.
 */
final class RawHttp implements AutoCloseable {
  /** A finished answer. Header names are lower case. */
  record Response(int status, Map<String, String> headers, String body) {
    boolean isJson() {
      String type = headers.getOrDefault("content-type", "");
      if (!type.startsWith("application/json")) {
        return false;
      }
      try {
        new JsonObject(body);
        return true;
      } catch (RuntimeException e) {
        return false;
      }
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    String error() {
      return isJson() ? json().getString("error") : null;
    }

    @Override
    public String toString() {
      return status + " " + headers + " " + (body.length() > 300 ? body.substring(0, 300) + "..." : body);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final int status;
  private final Map<String, String> headers;
  private final SseParser parser = new SseParser();
  private final List<SseEvent> events = new ArrayList<>();
  private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private byte[] undecoded = new byte[0];
  private boolean ended;

  private RawHttp(Socket socket, InputStream in, int status, Map<String, String> headers) {
    this.socket = socket;
    this.in = in;
    this.status = status;
    this.headers = headers;
  }

  /** A request from its parts; every char of every part is written as one byte. */
  static String request(String method, String target, Map<String, String> headers, String body) {
    StringBuilder sb = new StringBuilder().append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
    if (headers.keySet().stream().noneMatch(k -> k.equalsIgnoreCase("Host"))) {
      sb.append("Host: 127.0.0.1\r\n");
    }
    headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
    if (body != null) {
      sb.append("Content-Length: ").append(body.length()).append("\r\n");
    }
    sb.append("\r\n");
    if (body != null) {
      sb.append(body);
    }
    return sb.toString();
  }

  /** Text as UTF-8 bytes, each as one latin-1 char: ready to go into {@link #request}. */
  static String utf8(String text) {
    return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
  }

  /** Sends {@code request} and reads the status line and headers. */
  static RawHttp open(int port, String request) {
    return openFrom(null, port, request);
  }

  /** As {@link #open}, from the local address {@code source} (e.g. 127.0.0.2: another client). */
  static RawHttp openFrom(String source, int port, String request) {
    try {
      Socket socket = new Socket();
      if (source != null) {
        socket.bind(new InetSocketAddress(source, 0));
      }
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = readLine(in);
      if (statusLine == null || !statusLine.matches("HTTP/1\\.[01] [0-9]{3}.*")) {
        socket.close();
        throw new IllegalStateException("Not an HTTP/1.1 answer: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      return new RawHttp(socket, in, status, headers);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** One whole exchange: sends {@code request}, reads the full answer, closes. */
  static Response exchange(int port, String request) {
    try (RawHttp http = open(port, request)) {
      return new Response(http.status, http.headers, http.body());
    }
  }

  /** GET {@code target} with headers, for an event stream. */
  static RawHttp get(int port, String target, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Accept", "text/event-stream");
    all.putAll(headers);
    return open(port, request("GET", target, all, null));
  }

  int status() {
    return status;
  }

  Map<String, String> headers() {
    return headers;
  }

  boolean isEventStream() {
    return status == 200 && headers.getOrDefault("content-type", "").startsWith("text/event-stream");
  }

  /** The rest of a non-streaming answer, decoded as UTF-8. */
  String body() {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (status == 204 || status == 304 || status < 200) {
        return ""; // never a body
      }
      if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
        for (byte[] chunk = readChunk(); chunk != null; chunk = readChunk()) {
          out.write(chunk);
        }
      } else if (headers.containsKey("content-length")) {
        out.write(in.readNBytes(Integer.parseInt(headers.get("content-length"))));
      } else {
        out.write(in.readAllBytes());
      }
      return out.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The answer as a {@link Response}, reading the body. Not for event streams. */
  Response response() {
    return new Response(status, headers, body());
  }

  /**
   * Reads the event stream until {@code done} holds for the events so far, the stream ends, or
   * {@code timeout} passes; returns every event read since the stream opened.
   */
  List<SseEvent> readEvents(Predicate<List<SseEvent>> done, Duration timeout) {
    long end = System.nanoTime() + timeout.toNanos();
    try {
      while (!ended && !done.test(events)) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        byte[] chunk;
        try {
          chunk = readChunk();
        } catch (SocketTimeoutException e) {
          break;
        }
        if (chunk == null) {
          ended = true;
          if (undecoded.length > 0) {
            throw new AssertionError("The stream ended inside a UTF-8 sequence");
          }
          break;
        }
        feed(chunk);
      }
    } catch (IOException e) {
      ended = true; // reset by the server: the stream is over
    }
    return List.copyOf(events);
  }

  /**
   * Reads until the stream has sent its starting id (it is then subscribed and live); true when
   * it did within {@code timeout}.
   */
  boolean awaitLive(Duration timeout) {
    readEvents(e -> !parser.lastEventId().isEmpty(), timeout);
    return !parser.lastEventId().isEmpty();
  }

  /** Reads until the stream ends (the chunked terminator or a close); true when it did in time. */
  boolean awaitEnd(Duration timeout) {
    readEvents(e -> false, timeout);
    return ended;
  }

  /** Whether the stream has ended (as far as read so far). */
  boolean isEnded() {
    return ended;
  }

  List<SseEvent> events() {
    return List.copyOf(events);
  }

  List<String> comments() {
    return parser.comments();
  }

  String lastEventId() {
    return parser.lastEventId();
  }

  private void feed(byte[] chunk) {
    byte[] bytes = new byte[undecoded.length + chunk.length];
    System.arraycopy(undecoded, 0, bytes, 0, undecoded.length);
    System.arraycopy(chunk, 0, bytes, undecoded.length, chunk.length);
    ByteBuffer input = ByteBuffer.wrap(bytes);
    CharBuffer output = CharBuffer.allocate(bytes.length + 1);
    var result = utf8.decode(input, output, false);
    if (result.isError()) {
      try {
        result.throwException();
      } catch (CharacterCodingException e) {
        throw new AssertionError("The event stream is not valid UTF-8: " + e, e);
      }
    }
    undecoded = new byte[input.remaining()];
    input.get(undecoded);
    output.flip();
    events.addAll(parser.feed(output.toString()));
  }

  /** One chunk of a chunked body, or null after the last (empty) chunk or at end of input. */
  private byte[] readChunk() throws IOException {
    if (!"chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
      // Not chunked (a close-delimited stream): whatever is there.
      byte[] buf = new byte[8192];
      int n = in.read(buf);
      return n < 0 ? null : java.util.Arrays.copyOf(buf, n);
    }
    String sizeLine = readLine(in);
    if (sizeLine == null) {
      return null;
    }
    int semi = sizeLine.indexOf(';');
    int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
    if (size == 0) {
      readLine(in); // the final CRLF (no trailers from this server)
      return null;
    }
    byte[] data = in.readNBytes(size);
    if (data.length < size) {
      return null;
    }
    readLine(in);
    return data;
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      if (b == '\n') {
        byte[] bytes = line.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.ISO_8859_1);
      }
      line.write(b);
    }
    return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }
}

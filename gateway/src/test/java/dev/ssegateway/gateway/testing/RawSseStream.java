package dev.ssegateway.gateway.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
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
 * One {@code GET} over a plain socket, with no HTTP library in between: it writes the request
 * line and headers itself, reads the status and headers, undoes chunked transfer encoding, and
 * keeps the exact body bytes. The body is decoded as strict UTF-8 across chunk boundaries (a
 * malformed sequence fails the stream) and fed to the independent {@link SseParser}.
 *
 * <p>It never reconnects: a test that resumes opens a new stream with {@code Last-Event-ID}.
 */
public final class RawSseStream implements AutoCloseable {
  private final Socket socket;
  private final int status;
  private final Map<String, String> headers;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();
  private final StringBuilder text = new StringBuilder();
  private final SseParser parser = new SseParser();
  private final List<SseEvent> events = new ArrayList<>();
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private ByteBuffer pending = ByteBuffer.allocate(0);
  private volatile boolean ended;
  private volatile Throwable failure;

  private RawSseStream(Socket socket, int status, Map<String, String> headers) {
    this.socket = socket;
    this.status = status;
    this.headers = headers;
  }

  /** Opens {@code GET pathAndQuery} and returns once the status line and headers have arrived. */
  public static RawSseStream open(int port, String pathAndQuery, Map<String, String> requestHeaders) {
    try {
      Socket socket = new Socket();
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      socket.setSoTimeout(0); // idle streams are normal; tests bound their own waits
      StringBuilder request = new StringBuilder()
          .append("GET ").append(pathAndQuery).append(" HTTP/1.1\r\n")
          .append("Host: 127.0.0.1:").append(port).append("\r\n")
          .append("Accept: text/event-stream\r\n");
      requestHeaders.forEach((k, v) -> request.append(k).append(": ").append(v).append("\r\n"));
      request.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = readLine(in);
      if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
        throw new IllegalStateException("Not an HTTP/1.1 response: " + statusLine);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
      }
      RawSseStream stream = new RawSseStream(socket, status, headers);
      Thread reader = new Thread(() -> stream.readBody(in), "raw-sse-" + port);
      reader.setDaemon(true);
      reader.start();
      return stream;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RawSseStream open(int port, String pathAndQuery) {
    return open(port, pathAndQuery, Map.of());
  }

  public int status() {
    return status;
  }

  /** A response header by name (case-insensitive), or null. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  /** The body bytes received so far, exactly as sent (after removing the chunk framing). */
  public synchronized byte[] bytes() {
    return body.toByteArray();
  }

  /** The body received so far, decoded. */
  public synchronized String text() {
    return text.toString();
  }

  public synchronized List<SseEvent> events() {
    return new ArrayList<>(events);
  }

  public synchronized List<String> comments() {
    return new ArrayList<>(parser.comments());
  }

  public synchronized String lastEventId() {
    return parser.lastEventId();
  }

  public synchronized Long retry() {
    return parser.retry();
  }

  /** Whether the server ended the response (the last chunk, or the connection closed). */
  public boolean ended() {
    return ended;
  }

  public void awaitText(Predicate<String> condition, Duration timeout) {
    await(() -> condition.test(text()), timeout, "text");
  }

  public void awaitEvents(Predicate<List<SseEvent>> condition, Duration timeout) {
    await(() -> condition.test(events()), timeout, "events");
  }

  public void awaitCount(int count, Duration timeout) {
    awaitEvents(e -> e.size() >= count, timeout);
  }

  public void awaitEnded(Duration timeout) {
    await(() -> ended, timeout, "the end of the stream");
  }

  /** Waits until the stream has sent an id line: the connection is subscribed and live. */
  public void awaitLive(Duration timeout) {
    await(() -> !lastEventId().isEmpty(), timeout, "the stream's first id");
  }

  private void await(java.util.function.BooleanSupplier condition, Duration timeout, String what) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (failure != null) {
        throw new AssertionError("The stream failed while waiting for " + what, failure);
      }
      if (System.nanoTime() > end) {
        throw new AssertionError("Timed out after " + timeout + " waiting for " + what + "; status " + status
            + ", received: " + text().replace("\n", "\\n"));
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  private void readBody(InputStream in) {
    try {
      if (status == 204 || status == 304) {
        return;
      }
      if ("chunked".equalsIgnoreCase(header("transfer-encoding"))) {
        readChunked(in);
      } else if (header("content-length") != null) {
        accept(in.readNBytes(Integer.parseInt(header("content-length"))));
      } else {
        byte[] buf = new byte[8192];
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          accept(java.util.Arrays.copyOf(buf, n));
        }
      }
    } catch (IOException e) {
      if (!socket.isClosed()) {
        failure = e; // the peer vanished mid-stream; a test waiting for the end sees it as ended below
      }
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      ended = true;
    }
  }

  private void readChunked(InputStream in) throws IOException {
    while (true) {
      String sizeLine = readLine(in);
      if (sizeLine == null) {
        throw new IOException("connection closed inside chunked body");
      }
      int semicolon = sizeLine.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
      if (size == 0) {
        while (true) { // trailers
          String trailer = readLine(in);
          if (trailer == null || trailer.isEmpty()) {
            return;
          }
        }
      }
      accept(in.readNBytes(size));
      if (!"".equals(readLine(in))) {
        throw new IOException("chunk not followed by CRLF");
      }
    }
  }

  private synchronized void accept(byte[] bytes) throws CharacterCodingException {
    body.write(bytes, 0, bytes.length);
    ByteBuffer in = ByteBuffer.allocate(pending.remaining() + bytes.length);
    in.put(pending).put(bytes).flip();
    CharBuffer out = CharBuffer.allocate(in.remaining() + 1);
    var result = decoder.decode(in, out, false);
    if (result.isError()) {
      result.throwException();
    }
    pending = in.slice();
    String chunk = out.flip().toString();
    text.append(chunk);
    events.addAll(parser.feed(chunk));
  }

  /** A line ended by CRLF (or LF), as header and chunk-size lines are; null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); ; b = in.read()) {
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
      }
      line.write(b);
    }
  }
}

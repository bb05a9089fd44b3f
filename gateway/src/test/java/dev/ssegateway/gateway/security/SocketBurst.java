package dev.ssegateway.gateway.security;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Many requests sent at once over plain sockets, from a chosen source address (127.0.0.x): every
 * socket connects and sends its request before any answer is read, so the node sees a burst.
 * Sockets answered 200 stay open (they hold a stream) until {@link #close}.
 */
final class SocketBurst implements AutoCloseable {
  /** One request's outcome: its status (-1: no answer), error code when refused, and its socket. */
  record Answer(int status, String error, Socket socket) {}

  private final List<Answer> answers = new ArrayList<>();

  static SocketBurst send(String sourceAddress, int port, List<String> requests) {
    SocketBurst burst = new SocketBurst();
    List<Socket> sockets = new ArrayList<>();
    try {
      for (String request : requests) {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(sourceAddress, 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(15_000);
        sockets.add(s);
      }
      for (int i = 0; i < sockets.size(); i++) {
        sockets.get(i).getOutputStream().write(requests.get(i).getBytes(StandardCharsets.ISO_8859_1));
        sockets.get(i).getOutputStream().flush();
      }
    } catch (IOException e) {
      sockets.forEach(SocketBurst::closeQuietly);
      throw new IllegalStateException(e);
    }
    for (Socket s : sockets) {
      burst.answers.add(read(s));
    }
    return burst;
  }

  /** A GET for an event stream, with extra headers. */
  static String get(String target, Map<String, String> headers) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("Accept", "text/event-stream");
    all.putAll(headers);
    return RawHttp.request("GET", target, all, null);
  }

  List<Answer> answers() {
    return answers;
  }

  /** Count per status, e.g. {200=100, 503=200}. */
  Map<Integer, Integer> statusCounts() {
    Map<Integer, Integer> counts = new TreeMap<>();
    answers.forEach(a -> counts.merge(a.status(), 1, Integer::sum));
    return counts;
  }

  /** Count per error code of the refused ones. */
  Map<String, Integer> errorCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    answers.stream().filter(a -> a.error() != null).forEach(a -> counts.merge(a.error(), 1, Integer::sum));
    return counts;
  }

  private static Answer read(Socket s) {
    try {
      InputStream in = new BufferedInputStream(s.getInputStream());
      String statusLine = line(in);
      if (statusLine == null || statusLine.length() < 12) {
        closeQuietly(s);
        return new Answer(-1, null, null);
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, String> headers = new LinkedHashMap<>();
      for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
        int colon = l.indexOf(':');
        headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
      }
      if (status == 200) {
        return new Answer(status, null, s);
      }
      String error = null;
      String length = headers.get("content-length");
      if (length != null) {
        byte[] body = in.readNBytes(Integer.parseInt(length));
        String text = new String(body, StandardCharsets.UTF_8);
        int at = text.indexOf("\"error\":\"");
        if (at >= 0) {
          error = text.substring(at + 9, text.indexOf('"', at + 9));
        }
      }
      closeQuietly(s);
      return new Answer(status, error, null);
    } catch (IOException e) {
      closeQuietly(s);
      return new Answer(-1, null, null);
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\n') {
        String l = out.toString(StandardCharsets.ISO_8859_1);
        return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
      }
      out.write(b);
    }
    return out.size() == 0 ? null : out.toString(StandardCharsets.ISO_8859_1);
  }

  static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  @Override
  public void close() {
    answers.stream().filter(a -> a.socket() != null).forEach(a -> closeQuietly(a.socket()));
  }
}

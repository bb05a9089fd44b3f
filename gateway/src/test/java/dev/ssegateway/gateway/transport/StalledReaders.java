package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clients that subscribe and then stop reading: plain sockets with a small receive buffer (so
 * the kernel takes little off the gateway's hands), each reads its response up to the stream's
 * first id line (it is live), then reads nothing more until {@link #readToEnd}.
 */
final class StalledReaders implements AutoCloseable {
  private final List<Socket> sockets = new ArrayList<>();

  /** Opens {@code count} streams of {@code pathAndQuery}; returns once each is live. */
  static StalledReaders open(int port, String pathAndQuery, int count, int receiveBufferBytes) {
    StalledReaders readers = new StalledReaders();
    byte[] request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
        + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    try {
      for (int i = 0; i < count; i++) {
        Socket s = new Socket();
        readers.sockets.add(s);
        s.setReceiveBufferSize(receiveBufferBytes); // before connect: it sets the window scale
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.getOutputStream().write(request);
      }
      for (Socket s : readers.sockets) {
        awaitFirstId(s);
      }
    } catch (IOException e) {
      readers.close();
      throw new UncheckedIOException(e);
    }
    return readers;
  }

  private static void awaitFirstId(Socket s) throws IOException {
    s.setSoTimeout(10_000);
    InputStream in = s.getInputStream();
    StringBuilder seen = new StringBuilder();
    byte[] buf = new byte[512];
    while (!(seen.indexOf("\nid: ") >= 0 && seen.indexOf("\n\n", seen.indexOf("\nid: ")) >= 0)) {
      int n = in.read(buf);
      if (n < 0) {
        throw new IOException("Stream ended before going live: " + seen);
      }
      seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
    }
    if (!seen.toString().startsWith("HTTP/1.1 200")) {
      throw new IOException("Not a 200 stream: " + seen);
    }
  }

  int size() {
    return sockets.size();
  }

  /** The clients' own ports, as the gateway sees them in its remote addresses. */
  Set<Integer> localPorts() {
    Set<Integer> ports = new TreeSet<>();
    sockets.forEach(s -> ports.add(s.getLocalPort()));
    return ports;
  }

  /**
   * Now reads each stream to its end: whatever the kernel still holds for it, then EOF or a
   * reset. Returns how many ended within {@code timeoutMs} each (the others stay open).
   */
  int readToEnd(int timeoutMs) {
    int ended = 0;
    byte[] buf = new byte[64 * 1024];
    for (Socket s : sockets) {
      try {
        s.setSoTimeout(timeoutMs);
        InputStream in = s.getInputStream();
        while (in.read(buf) >= 0) {
          // discard
        }
        ended++;
      } catch (SocketTimeoutException e) {
        // still open
      } catch (SocketException e) {
        ended++; // connection reset by the gateway
      } catch (IOException e) {
        ended++;
      }
    }
    return ended;
  }

  @Override
  public void close() {
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}

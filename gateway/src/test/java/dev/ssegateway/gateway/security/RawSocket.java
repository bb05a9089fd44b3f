package dev.ssegateway.gateway.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A plain client socket for attacks that are about time and bytes, not HTTP exchanges: send part
 * of a request, stall, and measure when (whether) the server closes. Text is written as latin-1,
 * one char per byte.
 */
final class RawSocket implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean closedByPeer;

  private RawSocket(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  static RawSocket connect(int port) {
    try {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      return new RawSocket(s);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@code text}; false when the connection is already gone. */
  boolean send(String text) {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Writes {@code bytes} from another thread (a server that does not read would block the
   * caller); the future completes when all were written or the connection failed.
   */
  CompletableFuture<Boolean> sendInBackground(byte[] bytes) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        return true;
      } catch (IOException e) {
        return false;
      }
    }, r -> {
      Thread t = new Thread(r, "raw-socket-writer");
      t.setDaemon(true);
      t.start();
    });
  }

  /** Reads what arrives for up to {@code wait}; true when the peer closed (EOF or reset). */
  boolean readFor(Duration wait) {
    long end = System.nanoTime() + wait.toNanos();
    byte[] buf = new byte[8192];
    try {
      while (!closedByPeer) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          break;
        }
        socket.setSoTimeout((int) Math.max(1, left));
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          break;
        }
        if (n < 0) {
          closedByPeer = true;
        } else {
          received.write(buf, 0, n);
        }
      }
    } catch (IOException e) {
      closedByPeer = true; // reset
    }
    return closedByPeer;
  }

  /** Milliseconds from {@code sinceNanos} until the peer closed, or -1 if it did not within {@code wait}. */
  long msUntilClosed(long sinceNanos, Duration wait) {
    return readFor(wait) ? (System.nanoTime() - sinceNanos) / 1_000_000 : -1;
  }

  boolean isClosedByPeer() {
    return closedByPeer;
  }

  /** Everything received so far, as latin-1. */
  String received() {
    return received.toString(StandardCharsets.ISO_8859_1);
  }

  /** The status code of the first answer received, or -1. */
  int firstStatus() {
    String r = received();
    return r.startsWith("HTTP/1.") && r.length() >= 12 ? Integer.parseInt(r.substring(9, 12)) : -1;
  }

  /** How many HTTP answers (status lines) were received. */
  int answers() {
    String r = received();
    int count = 0;
    for (int i = r.indexOf("HTTP/1."); i >= 0; i = r.indexOf("HTTP/1.", i + 1)) {
      count++;
    }
    return count;
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

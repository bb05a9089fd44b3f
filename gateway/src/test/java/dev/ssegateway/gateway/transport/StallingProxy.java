package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

/**
 * A TCP proxy between a client and the gateway that can play dead: after {@link #stall()} it
 * forwards nothing, never reads from the gateway again and never closes its socket to it. To the
 * gateway the connection looks like one whose client vanished without a FIN or reset, except
 * that the kernel still acknowledges what fits in the proxy's small receive buffer.
 */
final class StallingProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final CountDownLatch released = new CountDownLatch(1);
  private volatile boolean stalled;

  private StallingProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "stalling-proxy-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  static StallingProxy to(int targetPort) {
    try {
      return new StallingProxy(targetPort);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  int port() {
    return server.getLocalPort();
  }

  /** From now on: forward nothing, read nothing from the gateway, close nothing. */
  void stall() {
    stalled = true;
  }

  private void acceptLoop() {
    try {
      while (!server.isClosed()) {
        Socket client = server.accept();
        Socket upstream = new Socket();
        upstream.setReceiveBufferSize(1); // the kernel's least (before connect): it absorbs little once stalled
        upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
        sockets.add(client);
        sockets.add(upstream);
        pump(client, upstream, "up");
        pump(upstream, client, "down");
      }
    } catch (IOException e) {
      // closed
    }
  }

  private void pump(Socket from, Socket to, String name) {
    Thread t = new Thread(() -> {
      byte[] buf = new byte[8192];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        while (!stalled) {
          int n = in.read(buf);
          if (n < 0 || stalled) {
            break; // a read that raced with stall() is dropped
          }
          out.write(buf, 0, n);
        }
      } catch (IOException e) {
        // one side went away
      }
      if (stalled) {
        try {
          released.await(); // keep both sockets open, unread, until the test ends
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
      } else {
        closeQuietly(from);
        closeQuietly(to);
      }
    }, "stalling-proxy-" + name);
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void close() {
    released.countDown();
    closeQuietly(server);
    sockets.forEach(StallingProxy::closeQuietly);
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing anyway
    }
  }
}

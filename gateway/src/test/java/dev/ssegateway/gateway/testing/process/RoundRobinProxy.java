package dev.ssegateway.gateway.testing.process;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A TCP load balancer for tests, standing for a Kubernetes Service: each accepted connection goes
 * to the next backend in turn; a backend whose connect fails is skipped (like an endpoint that is
 * gone). Bytes are piped both ways; when either side closes or fails, the other is closed too.
 *
 * <pre>{@code
 * RoundRobinProxy lb = RoundRobinProxy.start(vertx, List.of(8081, 8082, 8083));
 * // clients connect to 127.0.0.1:lb.port()
 * }</pre>
 */
public final class RoundRobinProxy implements AutoCloseable {
  private final List<Integer> backends;
  private final NetServer server;
  private final NetClient client;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLongArray accepted;
  private final AtomicInteger open = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  private RoundRobinProxy(Vertx vertx, List<Integer> backends) {
    this.backends = List.copyOf(backends);
    this.accepted = new AtomicLongArray(backends.size());
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(1000).setTcpNoDelay(true));
    this.server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0)
        .setTcpNoDelay(true).setAcceptBacklog(4096));
    server.connectHandler(this::accept);
  }

  /** Listens on a free loopback port in front of {@code backendPorts} (on 127.0.0.1). */
  public static RoundRobinProxy start(Vertx vertx, List<Integer> backendPorts) {
    RoundRobinProxy proxy = new RoundRobinProxy(vertx, backendPorts);
    await(proxy.server.listen());
    return proxy;
  }

  public int port() {
    return server.actualPort();
  }

  /** Connections that went to each backend so far, in the order of the backend list. */
  public long[] acceptedPerBackend() {
    long[] out = new long[accepted.length()];
    for (int i = 0; i < out.length; i++) {
      out[i] = accepted.get(i);
    }
    return out;
  }

  /** Client connections open through the proxy right now. */
  public int openConnections() {
    return open.get();
  }

  /** Client connections closed because no backend accepted. */
  public int refused() {
    return refused.get();
  }

  private void accept(NetSocket front) {
    front.pause();
    open.incrementAndGet();
    Link link = new Link(front);
    front.closeHandler(v -> link.frontClosed());
    front.exceptionHandler(e -> front.close());
    link.connect(Math.floorMod(next.getAndIncrement(), backends.size()), 0);
  }

  /** One client connection and, once connected, its backend connection. */
  private final class Link {
    private final NetSocket front;
    private NetSocket back;
    private boolean closed;

    Link(NetSocket front) {
      this.front = front;
    }

    synchronized void frontClosed() {
      if (closed) {
        return;
      }
      closed = true;
      open.decrementAndGet();
      if (back != null) {
        back.close();
      }
    }

    void connect(int index, int tried) {
      if (tried == backends.size()) {
        refused.incrementAndGet();
        front.close();
        return;
      }
      int i = (index + tried) % backends.size();
      client.connect(backends.get(i), "127.0.0.1").onComplete(ar -> {
        if (ar.failed()) {
          connect(index, tried + 1);
          return;
        }
        NetSocket b = ar.result();
        synchronized (this) {
          if (closed) {
            b.close();
            return;
          }
          back = b;
        }
        accepted.incrementAndGet(i);
        b.closeHandler(v -> front.close());
        b.exceptionHandler(e -> b.close());
        front.pipeTo(b);
        b.pipeTo(front);
      });
    }
  }

  @Override
  public void close() {
    try {
      await(server.close());
    } finally {
      await(client.close());
    }
  }

  private static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}

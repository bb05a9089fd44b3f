package dev.ssegateway.gateway.transport;

import java.net.ServerSocket;

/** A free port for a node started by these tests (see {@link dev.ssegateway.testkit.Ports}). */
final class QuietPort {
  private QuietPort() {}

  static int pick() {
    return dev.ssegateway.testkit.Ports.free();
  }

  /** {@link #pick()} as the value of SSE_HTTP_PORT. */
  static String next() {
    return Integer.toString(pick());
  }
}

package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free port below Linux's ephemeral range (32768-60999), for a node's HTTP port. A port from
 * {@code new ServerSocket(0)} lies inside that range, where the kernel may hand it out again at
 * once (seen: the same port for the Hazelcast member and the HTTP server of one node, whose
 * start then failed with "Address already in use"), and where any outgoing connection on the
 * machine may take it. A port below the range is only ever taken by someone binding it on purpose.
 */
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

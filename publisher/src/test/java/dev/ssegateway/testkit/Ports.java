package dev.ssegateway.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free ports for test servers, below Linux's ephemeral range (32768-60999). A port from
 * {@code new ServerSocket(0)} lies inside that range, where the kernel hands it out again to
 * the next outgoing connection or {@code bind(0)}: seen in CI as two servers of one test given
 * the same port. A port below the range is taken only by someone binding it on purpose, and this
 * class never hands out the same port twice in one JVM.
 */
public final class Ports {
  private static final int FROM = 10_000;
  private static final int TO = 32_000;
  private static final Set<Integer> handedOut = ConcurrentHashMap.newKeySet();

  private Ports() {}

  public static int free() {
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(FROM, TO);
      if (!handedOut.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new InetSocketAddress("0.0.0.0", port));
        return port;
      } catch (IOException inUse) {
        // taken: try another
      }
    }
    throw new IllegalStateException("no free port found in " + FROM + "-" + TO);
  }
}

package dev.ssegateway.gateway.fault;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hundreds of {@link FleetClient}s on one Vert.x and one shared HTTP client, all connected
 * through the load balancer. A third of the clients subscribe to topic 0, a third to topic 1 and a
 * third to both, so single-topic and multi-topic resume are both exercised on every node.
 */
final class Fleet implements AutoCloseable {
  private final Vertx vertx;
  private final HttpClient http;
  private final int port;
  private final String[] topicNames;
  private final List<FleetClient> clients = new ArrayList<>();
  private final long[] recoveryFromSeq;
  final AtomicInteger foreignEvents = new AtomicInteger();

  Fleet(Vertx vertx, HttpClient http, int port, String[] topicNames, int count) {
    this.vertx = vertx;
    this.http = http;
    this.port = port;
    this.topicNames = topicNames.clone();
    this.recoveryFromSeq = new long[topicNames.length];
    Arrays.fill(recoveryFromSeq, Long.MAX_VALUE);
    for (int i = 0; i < count; i++) {
      // Mixed so that round-robin over three nodes still gives every node every kind of client.
      int[] topics = switch ((i + i / 3) % 3) {
        case 0 -> new int[] {0};
        case 1 -> new int[] {1};
        default -> new int[] {0, 1};
      };
      clients.add(new FleetClient(this, i, topics, this.topicNames));
    }
  }

  List<FleetClient> clients() {
    return clients;
  }

  String[] topicNames() {
    return topicNames.clone();
  }

  int topicIndex(String name) {
    for (int i = 0; i < topicNames.length; i++) {
      if (topicNames[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  /** Opens every client, in small batches, and waits until each stream is live. */
  void connect(Duration timeout) throws InterruptedException {
    for (int i = 0; i < clients.size(); i++) {
      clients.get(i).open(vertx, http, port);
      if (i % 50 == 49) {
        Thread.sleep(20);
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      long live = clients.stream().filter(FleetClient::isLive).count();
      if (live == clients.size()) {
        return;
      }
      Thread.sleep(50);
    }
    long live = clients.stream().filter(FleetClient::isLive).count();
    throw new AssertionError("only " + live + " of " + clients.size() + " clients are live after " + timeout);
  }

  /** From now on, the first event of {@code topic} with at least this seq marks a client recovered. */
  synchronized void markFault(long[] nextSeqPerTopic) {
    System.arraycopy(nextSeqPerTopic, 0, recoveryFromSeq, 0, recoveryFromSeq.length);
  }

  synchronized long recoveryFromSeq(int topic) {
    return recoveryFromSeq[topic];
  }

  /**
   * Waits until every client has received the last event of each of its topics; returns how many
   * clients still lack one when {@code timeout} ends (0 = all arrived).
   */
  int awaitLast(long[] lastKeyPerTopic, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int missing;
    do {
      missing = 0;
      for (FleetClient c : clients) {
        for (int t : c.topics) {
          if (lastKeyPerTopic[t] >= 0 && !c.hasReceived(t, lastKeyPerTopic[t])) {
            missing++;
            break;
          }
        }
      }
      if (missing == 0) {
        return 0;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return missing;
  }

  @Override
  public void close() {
    clients.forEach(FleetClient::close);
  }
}

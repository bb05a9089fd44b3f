package dev.ssegateway.gateway.fault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * One fault scenario on a {@link FaultRig}: a fresh fleet of clients on two fresh topics, a
 * publisher at a steady rate, a fault, more publishing, then the check of every client's
 * sequence against history.
 *
 * <pre>{@code
 * Scenario s = Scenario.start(rig, "kill -9 node-2", 500, 50);
 * s.publishFor(Duration.ofSeconds(2));
 * s.fault(() -> node2.kill9());
 * s.publishFor(Duration.ofSeconds(4));
 * DeliveryCheck result = s.finish();
 * }</pre>
 */
final class Scenario implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration LAST_EVENT_TIMEOUT = Duration.ofSeconds(25);

  private final FaultRig rig;
  final String name;
  final String[] topics;
  final Fleet fleet;
  final NumberedPublisher publisher;
  private long faultAtMs;
  private long faultEndMs;
  private final long startedAtNanos = System.nanoTime();

  private Scenario(FaultRig rig, String name, String[] topics, int clients, int eventsPerSecond) {
    this.rig = rig;
    this.name = name;
    this.topics = topics;
    this.fleet = new Fleet(rig.clientVertx, rig.http, rig.proxyPort(), topics, clients);
    this.publisher = new NumberedPublisher(rig.nodePorts(), FaultRig.PUBLISH_KEY, topics, eventsPerSecond);
  }

  /** Connects the clients (all live before the first event), then starts publishing. */
  static Scenario start(FaultRig rig, String name, int clients, int eventsPerSecond) throws InterruptedException {
    String run = UUID.randomUUID().toString().substring(0, 6);
    String tag = name.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("(^-|-$)", "");
    String[] topics = {"fault-" + tag + "-" + run + "-a", "fault-" + tag + "-" + run + "-b"};
    Scenario s = new Scenario(rig, name, topics, clients, eventsPerSecond);
    long t0 = System.nanoTime();
    s.fleet.connect(CONNECT_TIMEOUT);
    rig.report(name + ": " + clients + " clients live through the proxy in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    s.publisher.start();
    return s;
  }

  void publishFor(Duration d) throws InterruptedException {
    Thread.sleep(d.toMillis());
  }

  /** Marks the fault's time (recovery is measured from it), then runs it. */
  long fault(Fault action) throws Exception {
    faultAtMs = System.currentTimeMillis();
    fleet.markFault(publisher.nextSeq());
    action.run();
    faultEndMs = System.currentTimeMillis();
    return faultAtMs;
  }

  long faultAtMs() {
    return faultAtMs;
  }

  /** Stops publishing, waits until every client has each topic's last event, checks them all. */
  DeliveryCheck finish() throws InterruptedException {
    return finish(null);
  }

  /**
   * As {@link #finish()}, for a scenario where Redis lost {@code lostHistory} (read just before
   * the fault): the truth is that history followed by what history holds now, and each client
   * must get one {@code sse-history-lost} per topic, right after the lost part.
   */
  DeliveryCheck finish(List<List<Long>> lostHistory) throws InterruptedException {
    publisher.stop();
    long[] last = new long[topics.length];
    for (int t = 0; t < topics.length; t++) {
      last[t] = publisher.lastAcked(t);
    }
    long t0 = System.nanoTime();
    int missing = fleet.awaitLast(last, LAST_EVENT_TIMEOUT);
    long waitedMs = (System.nanoTime() - t0) / 1_000_000;
    List<List<Long>> truth = rig.readHistory(topics);
    int[] lossAt = new int[topics.length];
    Arrays.fill(lossAt, -1);
    if (lostHistory != null) {
      List<List<Long>> joined = new ArrayList<>();
      for (int t = 0; t < topics.length; t++) {
        List<Long> all = new ArrayList<>(lostHistory.get(t));
        all.addAll(truth.get(t));
        joined.add(all);
        lossAt[t] = lostHistory.get(t).size();
      }
      truth = joined;
    }
    List<List<Long>> acked = new ArrayList<>();
    for (int t = 0; t < topics.length; t++) {
      acked.add(publisher.acked(t));
    }
    DeliveryCheck check = DeliveryCheck.of(fleet, truth, acked, lossAt, faultAtMs, faultEndMs);
    rig.report(name + ": " + check.summary());
    rig.report(name + ": publisher " + publisher.describeFailures() + "; clients without the last event after "
        + waitedMs + " ms: " + missing + "; proxy connections per node " + Arrays.toString(rig.proxy().acceptedPerBackend())
        + "; scenario took " + (System.nanoTime() - startedAtNanos) / 1_000_000 + " ms"
        + (check.firstProblems.length() > 0 ? "; first problems:" + check.firstProblems : ""));
    return check;
  }

  @Override
  public void close() throws InterruptedException {
    publisher.stop();
    fleet.close();
  }

  /** A fault to inject; may throw. */
  @FunctionalInterface
  interface Fault {
    void run() throws Exception;
  }
}

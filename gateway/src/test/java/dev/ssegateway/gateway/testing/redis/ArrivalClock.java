package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.gateway.testing.SseClient;
import dev.ssegateway.gateway.testing.SseEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Notes when each event of a client arrived (to within a few ms, by polling), so a test can tell
 * how long recovery took: from the moment Redis was back to the first event delivered after it.
 */
public final class ArrivalClock implements AutoCloseable {
  private final SseClient client;
  private final List<Long> arrivedAtMs = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile boolean stopped;

  public ArrivalClock(SseClient client) {
    this.client = client;
    this.thread = new Thread(this::run, "arrival-clock");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  private void run() {
    while (!stopped) {
      int seen = client.events().size();
      long now = System.currentTimeMillis();
      while (arrivedAtMs.size() < seen) {
        arrivedAtMs.add(now);
      }
      NodeProbe.sleep(2);
    }
  }

  /** When the first event matching {@code which} arrived, or -1 if none has. */
  public long firstArrival(Predicate<SseEvent> which) {
    List<SseEvent> events = client.events();
    List<Long> times = new ArrayList<>(arrivedAtMs);
    for (int i = 0; i < Math.min(events.size(), times.size()); i++) {
      if (which.test(events.get(i))) {
        return times.get(i);
      }
    }
    return -1;
  }

  /** When the first event arrived that was not among the first {@code count}, or -1. */
  public long firstArrivalAfter(int count) {
    List<Long> times = new ArrayList<>(arrivedAtMs);
    return times.size() > count ? times.get(count) : -1;
  }

  @Override
  public void close() {
    stopped = true;
  }
}

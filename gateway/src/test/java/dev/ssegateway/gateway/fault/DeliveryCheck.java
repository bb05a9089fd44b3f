package dev.ssegateway.gateway.fault;

import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what each client received with the truth: the events of each topic in history order
 * (read from Redis). Every client was live before the first event, so it must receive all of
 * them, each once, in order. Also checks each {@code sse-history-lost}: it must come exactly when
 * expected, once per topic, at the expected place in the stream.
 */
final class DeliveryCheck {
  int clients;
  long published;
  long history;
  long delivered;
  long lost;
  long duplicates;
  long outOfOrder;
  long notInHistory;
  long ackedMissingFromHistory;
  long historyLost;
  long historyLostExpected;
  int clientsWithWrongHistoryLost;
  long reconnects;
  long failedRequests;
  long otherStatuses;
  int clientsNotRecovered;
  long recoveryMaxMs = -1;
  long recoveryP50Ms = -1;
  long recoveryAfterFaultEndMs = -1;
  final StringBuilder firstProblems = new StringBuilder();
  private int problemsNoted;

  /**
   * @param truth per topic, every event's key in history order
   * @param acked per topic, the keys the publisher got a 200 for
   * @param lossAt per topic, how many events come before the expected {@code sse-history-lost}, or
   *     -1 when none is expected
   * @param faultAtMs when the fault began (for the recovery time); 0 for none
   * @param faultEndMs when the fault's action returned (Redis back, slot moved, signal sent)
   */
  static DeliveryCheck of(Fleet fleet, List<List<Long>> truth, List<List<Long>> acked, int[] lossAt, long faultAtMs,
      long faultEndMs) {
    DeliveryCheck c = new DeliveryCheck();
    int topics = truth.size();
    List<Map<Long, Integer>> index = new java.util.ArrayList<>();
    for (int t = 0; t < topics; t++) {
      Map<Long, Integer> m = new HashMap<>();
      List<Long> keys = truth.get(t);
      for (int i = 0; i < keys.size(); i++) {
        m.put(keys.get(i), i);
      }
      index.add(m);
      c.history += keys.size();
      c.published += acked.get(t).size();
      Set<Long> inHistory = new HashSet<>(keys);
      for (long k : acked.get(t)) {
        if (!inHistory.contains(k)) {
          c.ackedMissingFromHistory++;
          c.note("topic " + t + ": acknowledged event " + EventKey.describe(k) + " is not in history");
        }
      }
    }
    long[] recovery = new long[fleet.clients().size()];
    int r = 0;
    for (FleetClient client : fleet.clients()) {
      c.clients++;
      c.reconnects += client.disconnectsMs().length;
      c.failedRequests += client.failedRequests();
      c.otherStatuses += client.otherStatuses();
      for (int t : client.topics) {
        c.checkTopic(client, t, truth.get(t), index.get(t), lossAt[t]);
      }
      long recoveredAt = client.recoveredAtMs();
      if (faultAtMs > 0) {
        if (recoveredAt == 0) {
          c.clientsNotRecovered++;
        } else {
          recovery[r++] = Math.max(0, recoveredAt - faultAtMs);
        }
      }
    }
    if (r > 0) {
      long[] sorted = java.util.Arrays.copyOf(recovery, r);
      java.util.Arrays.sort(sorted);
      c.recoveryMaxMs = sorted[r - 1];
      c.recoveryP50Ms = sorted[r / 2];
      c.recoveryAfterFaultEndMs = Math.max(0, faultAtMs + c.recoveryMaxMs - faultEndMs);
    }
    return c;
  }

  private void checkTopic(FleetClient client, int t, List<Long> truth, Map<Long, Integer> index, int lossAt) {
    long[] got = client.received(t);
    delivered += got.length;
    BitSet seen = new BitSet(truth.size());
    int last = -1;
    for (long k : got) {
      Integer i = index.get(k);
      if (i == null) {
        notInHistory++;
        note("client " + client.index + " topic " + t + ": received " + EventKey.describe(k) + ", which is not in history");
      } else if (seen.get(i)) {
        duplicates++;
        note("client " + client.index + " topic " + t + ": received " + EventKey.describe(k) + " twice");
      } else {
        seen.set(i);
        if (i < last) {
          outOfOrder++;
          note("client " + client.index + " topic " + t + ": received " + EventKey.describe(k) + " out of order");
        }
        last = Math.max(last, i);
      }
    }
    int missing = truth.size() - seen.cardinality();
    if (missing > 0) {
      lost += missing;
      int first = seen.nextClearBit(0);
      note("client " + client.index + " topic " + t + ": lost " + missing + " events, the first "
          + EventKey.describe(truth.get(first)) + " (history index " + first + " of " + truth.size() + ")");
    }
    int count = 0;
    boolean wrong = false;
    for (int[] hl : client.historyLost()) {
      if (hl[0] != t) {
        continue;
      }
      count++;
      historyLost++;
      if (lossAt < 0 || hl[1] != lossAt) {
        wrong = true;
        note("client " + client.index + " topic " + t + ": sse-history-lost after " + hl[1] + " events"
            + (lossAt < 0 ? ", none expected" : ", expected after " + lossAt));
      }
    }
    if (lossAt >= 0) {
      historyLostExpected++;
      if (count != 1) {
        wrong = true;
        note("client " + client.index + " topic " + t + ": " + count + " sse-history-lost events, expected 1");
      }
    }
    if (wrong) {
      clientsWithWrongHistoryLost++;
    }
  }

  private void note(String problem) {
    if (problemsNoted++ < 12) {
      firstProblems.append("\n  ").append(problem);
    }
  }

  boolean clean() {
    return lost == 0 && duplicates == 0 && outOfOrder == 0 && notInHistory == 0 && ackedMissingFromHistory == 0
        && clientsWithWrongHistoryLost == 0 && clientsNotRecovered == 0 && otherStatuses == 0;
  }

  String summary() {
    return String.format(
        "clients %d, published %d (history %d), delivered %d, lost %d, duplicates %d, out of order %d,"
            + " not in history %d, acked but not in history %d, history-lost %d (expected %d, wrong on %d clients),"
            + " recovery %s ms after the fault began (p50 %s ms; %s ms after the fault's action ended; not recovered %d),"
            + " client reconnects %d, failed requests %d, non-200 %d",
        clients, published, history, delivered, lost, duplicates, outOfOrder, notInHistory, ackedMissingFromHistory,
        historyLost, historyLostExpected, clientsWithWrongHistoryLost,
        recoveryMaxMs < 0 ? "n/a" : Long.toString(recoveryMaxMs), recoveryP50Ms < 0 ? "n/a" : Long.toString(recoveryP50Ms),
        recoveryAfterFaultEndMs < 0 ? "n/a" : Long.toString(recoveryAfterFaultEndMs), clientsNotRecovered, reconnects, failedRequests, otherStatuses);
  }
}

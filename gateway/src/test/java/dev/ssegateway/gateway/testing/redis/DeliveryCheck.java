package dev.ssegateway.gateway.testing.redis;

import dev.ssegateway.gateway.hub.ControlEvents;
import dev.ssegateway.gateway.testing.SseEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares what one client received with what was published: lost and duplicated events, the
 * order, and how many {@code sse-history-lost} events it was told about.
 *
 * @param lost expected events never received
 * @param duplicates extra copies of received events
 * @param inOrder whether the received expected events came in publish order
 * @param historyLost how many {@code sse-history-lost} events arrived
 * @param unexpected received data that nobody published successfully
 */
public record DeliveryCheck(List<String> lost, int duplicates, boolean inOrder, int historyLost, List<String> unexpected) {

  public static DeliveryCheck of(List<String> expected, List<SseEvent> received) {
    Map<String, Integer> counts = new HashMap<>();
    List<String> order = new ArrayList<>();
    List<String> unexpected = new ArrayList<>();
    Set<String> wanted = new HashSet<>(expected);
    int historyLost = 0;
    for (SseEvent e : received) {
      if (e.event().equals(ControlEvents.HISTORY_LOST)) {
        historyLost++;
        continue;
      }
      if (!e.event().equals("message")) {
        continue;
      }
      if (!wanted.contains(e.data())) {
        unexpected.add(e.data());
        continue;
      }
      if (counts.merge(e.data(), 1, Integer::sum) == 1) {
        order.add(e.data());
      }
    }
    List<String> lost = expected.stream().filter(d -> !counts.containsKey(d)).toList();
    int duplicates = counts.values().stream().mapToInt(n -> n - 1).sum();
    List<String> expectedReceived = expected.stream().filter(counts::containsKey).toList();
    return new DeliveryCheck(lost, duplicates, order.equals(expectedReceived), historyLost, unexpected);
  }

  /** No loss, no duplicates, in order, nothing unexpected. */
  public boolean exact() {
    return lost.isEmpty() && duplicates == 0 && inOrder && unexpected.isEmpty();
  }

  @Override
  public String toString() {
    return "lost=" + lost.size() + (lost.isEmpty() ? "" : lost.subList(0, Math.min(5, lost.size())))
        + " duplicates=" + duplicates + " inOrder=" + inOrder + " historyLost=" + historyLost
        + " unexpected=" + unexpected.size();
  }
}

package dev.ssegateway.loadtest.core;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the results of several injector processes (and the publisher's) into one: counters are
 * summed, HdrHistograms are added (so percentiles are exact over all injectors, not averaged), and
 * delivery is checked per topic: every stream that opened must have received every event published
 * to its topic, exactly once.
 */
public final class ResultMerger {
  private ResultMerger() {}

  public static Map<String, Object> merge(List<PublishResult> publishes, List<InjectorResult> injectors) {
    Map<String, Long> published = new TreeMap<>();
    long publishErrors = 0;
    long publishStart = Long.MAX_VALUE;
    long publishEnd = 0;
    List<String> publishLatencies = new ArrayList<>();
    for (PublishResult p : publishes) {
      p.published.forEach((t, n) -> published.merge(t, n, Long::sum));
      publishErrors += p.errors;
      publishStart = Math.min(publishStart, p.startMicros);
      publishEnd = Math.max(publishEnd, p.endMicros);
      publishLatencies.add(p.publishLatencyUs);
    }

    Map<String, Long> subscribers = new TreeMap<>();
    Map<String, Long> accepted = new TreeMap<>();
    Map<String, Long> httpErrors = new TreeMap<>();
    long target = 0;
    long connected = 0;
    long everConnected = 0;
    long connectFailures = 0;
    long disconnects = 0;
    long reconnects = 0;
    long historyLost = 0;
    long duplicates = 0;
    long gaps = 0;
    long outOfOrder = 0;
    long lastResume = 0;
    long lastDisconnect = 0;
    long fault = 0;
    long firstDelivery = Long.MAX_VALUE;
    long lastDelivery = 0;
    List<String> latency = new ArrayList<>();
    List<String> connect = new ArrayList<>();
    List<String> resume = new ArrayList<>();
    List<String> tools = new ArrayList<>();
    for (InjectorResult r : injectors) {
      target += r.connectionsTarget;
      connected += r.connected;
      everConnected += r.everConnected;
      connectFailures += r.connectFailures;
      disconnects += r.disconnects;
      reconnects += r.reconnects;
      historyLost += r.historyLost;
      duplicates += r.duplicates;
      gaps += r.gaps;
      outOfOrder += r.outOfOrder;
      lastResume = Math.max(lastResume, r.lastResumeMicros);
      lastDisconnect = Math.max(lastDisconnect, r.lastDisconnectMicros);
      fault = Math.max(fault, r.faultMicros);
      if (r.firstDeliveryMicros > 0) {
        firstDelivery = Math.min(firstDelivery, r.firstDeliveryMicros);
      }
      lastDelivery = Math.max(lastDelivery, r.lastDeliveryMicros);
      r.subscribers.forEach((t, n) -> subscribers.merge(t, n, Long::sum));
      r.accepted.forEach((t, n) -> accepted.merge(t, n, Long::sum));
      r.httpErrors.forEach((t, n) -> httpErrors.merge(t, n, Long::sum));
      latency.add(r.latencyUs);
      connect.add(r.connectUs);
      resume.add(r.resumeUs);
      if (!tools.contains(r.tool)) {
        tools.add(r.tool);
      }
    }

    long expected = 0;
    long delivered = 0;
    long lost = 0;
    for (Map.Entry<String, Long> e : subscribers.entrySet()) {
      long want = e.getValue() * published.getOrDefault(e.getKey(), 0L);
      long got = accepted.getOrDefault(e.getKey(), 0L);
      expected += want;
      delivered += Math.min(got, want);
      lost += Math.max(0, want - got);
    }
    // Deliveries to topics nobody was counted on (should not happen) still count as deliveries.
    long unexpected = 0;
    for (Map.Entry<String, Long> e : accepted.entrySet()) {
      if (!subscribers.containsKey(e.getKey())) {
        unexpected += e.getValue();
      }
    }

    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tools", tools);
    m.put("injectors", injectors.size());
    m.put("connectionsTarget", target);
    m.put("connected", connected);
    m.put("everConnected", everConnected);
    m.put("connectFailures", connectFailures);
    m.put("httpErrors", httpErrors);
    m.put("disconnects", disconnects);
    m.put("reconnects", reconnects);
    m.put("historyLost", historyLost);
    m.put("published", published.values().stream().mapToLong(Long::longValue).sum());
    m.put("publishedPerTopic", published);
    m.put("publishErrors", publishErrors);
    m.put("expectedDeliveries", expected);
    m.put("delivered", delivered);
    m.put("deliveredPercent", expected == 0 ? null : Math.floor(delivered * 100000.0 / expected) / 1000.0);
    m.put("lost", lost);
    m.put("duplicates", duplicates);
    m.put("gaps", gaps);
    m.put("outOfOrder", outOfOrder);
    m.put("unexpectedDeliveries", unexpected);
    if (publishStart != Long.MAX_VALUE && lastDelivery > publishStart) {
      double seconds = (lastDelivery - publishStart) / 1e6;
      m.put("deliverySeconds", Math.round(seconds * 1000) / 1000.0);
      m.put("deliveriesPerSecond", Math.round(delivered / seconds));
    }
    m.put("publishStartMicros", publishStart == Long.MAX_VALUE ? 0 : publishStart);
    m.put("publishEndMicros", publishEnd);
    m.put("firstDeliveryMicros", firstDelivery == Long.MAX_VALUE ? 0 : firstDelivery);
    m.put("lastDeliveryMicros", lastDelivery);
    m.put("lastResumeMicros", lastResume);
    m.put("lastDisconnectMicros", lastDisconnect);
    if (fault > 0) {
      m.put("faultMicros", fault);
      m.put("recoverySeconds", lastResume > fault ? Math.round((lastResume - fault) / 1000.0) / 1000.0 : null);
    }
    Histogram lat = Histograms.merge(latency);
    m.put("latencyMs", Histograms.summaryMillis(lat));
    m.put("connectMs", Histograms.summaryMillis(Histograms.merge(connect)));
    m.put("resumeMs", Histograms.summaryMillis(Histograms.merge(resume)));
    m.put("publishCallMs", Histograms.summaryMillis(Histograms.merge(publishLatencies)));
    m.put("latencyHistogram", Histograms.encode(lat));
    return m;
  }
}

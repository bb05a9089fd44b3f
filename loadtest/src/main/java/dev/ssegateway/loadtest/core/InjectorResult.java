package dev.ssegateway.loadtest.core;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one injector process (Vert.x injector or a Gatling simulation) measured in one snapshot,
 * written as JSON so that the scripts can merge many injectors (open-source Gatling cannot merge
 * several simulation.log files). Counters named "accepted" and the histograms cover the interval
 * since the injector's previous snapshot; connection counters are cumulative.
 */
public final class InjectorResult {
  public String injector;
  /** "vertx-injector" or "gatling:<Simulation>". */
  public String tool;
  public String snapshot;
  public long startedMicros;
  public long writtenMicros;

  public long connectionsTarget;
  /** Streams open when the snapshot was written. */
  public long connected;
  /** Streams that opened at least once. */
  public long everConnected;
  public long connectFailures;
  public Map<String, Long> httpErrors = new TreeMap<>();
  public long disconnects;
  public long reconnects;
  public long historyLost;
  /** Time of the latest successful reconnect (epoch micros, 0: none): the end of a reconnect storm. */
  public long lastResumeMicros;
  public long lastDisconnectMicros;
  /** When a fault hook (kill or SIGTERM of a node) ran, epoch micros (0: none). */
  public long faultMicros;

  /** Topic -> streams that opened at least once (each must receive every event of its topic). */
  public Map<String, Long> subscribers = new TreeMap<>();
  /** Topic -> first, in-order deliveries in this interval. */
  public Map<String, Long> accepted = new TreeMap<>();
  public long duplicates;
  public long gaps;
  /** First deliveries that arrived after a higher-numbered event (publishes in flight reordered by Redis). */
  public long outOfOrder;
  public long firstDeliveryMicros;
  public long lastDeliveryMicros;

  /** Publish-to-delivery latency of first deliveries, microseconds (base64 compressed HdrHistogram). */
  public String latencyUs;
  /** Request sent to response headers received, microseconds. */
  public String connectUs;
  /** Stream lost to stream open again (including the client's retry wait), microseconds. */
  public String resumeUs;
}

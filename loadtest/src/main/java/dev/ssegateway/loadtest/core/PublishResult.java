package dev.ssegateway.loadtest.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What a publisher run did: events per topic (sequence numbers 1..n or from a start), rates, errors. */
public final class PublishResult {
  public String tool;
  /** "http" (POST /publish), "nchan" (POST to an Nchan publisher location) or "redis" (publish script). */
  public String mode;
  public String target;
  public long firstSeq = 1;
  public long startMicros;
  public long endMicros;
  public double offeredRate;
  public double achievedRate;
  public int dataBytes;
  /** Topic -> events published successfully (their sequence numbers are firstSeq..firstSeq+n-1). */
  public Map<String, Long> published = new TreeMap<>();
  public long errors;
  public Map<String, Long> errorKinds = new TreeMap<>();
  /** Request to answer of each publish, microseconds (base64 compressed HdrHistogram). */
  public String publishLatencyUs;
  public List<Step> steps = new ArrayList<>();

  /** One rate step of a throughput run. */
  public static final class Step {
    public double offeredRate;
    public double achievedRate;
    public long published;
    public long errors;
    public double seconds;
    public Map<String, Object> latencyMs;
  }
}

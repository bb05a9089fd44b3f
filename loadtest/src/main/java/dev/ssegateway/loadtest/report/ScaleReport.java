package dev.ssegateway.loadtest.report;

import dev.ssegateway.loadtest.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the result of one scaling run ({@code loadtest/results/<date>-<N>.md} and {@code .json})
 * from what run-scale.sh collected: its parameters and command (key=value), per-node /proc and jcmd
 * samples (TSV), and the merged injector results of the connect and broadcast phases.
 *
 * <p>{@code ScaleReport params.env nodes.tsv merged-connect.json merged-broadcast.json out-base}
 */
public final class ScaleReport {
  private ScaleReport() {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws IOException {
    if (args.length != 5) {
      System.err.println("usage: ScaleReport params.env nodes.tsv merged-connect.json merged-broadcast.json out-base");
      System.exit(2);
    }
    Map<String, String> params = Tsv.readEnv(Path.of(args[0]));
    List<Map<String, String>> nodes = Tsv.read(Path.of(args[1]));
    Map<String, Object> connect = Json.read(Path.of(args[2]), Map.class);
    Map<String, Object> bcast = Json.read(Path.of(args[3]), Map.class);
    Map<String, Object> report = build(params, nodes, connect, bcast);
    Path base = Path.of(args[4]);
    Json.write(Path.of(base + ".json"), report);
    Files.writeString(Path.of(base + ".md"), markdown(report));
    System.out.println("wrote " + base + ".md and .json");
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> build(Map<String, String> params, List<Map<String, String>> nodes,
                                   Map<String, Object> connect, Map<String, Object> bcast) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("kind", "scale");
    r.put("date", params.get("date"));
    r.put("command", params.get("command"));
    long target = Long.parseLong(params.getOrDefault("connections", "0"));
    r.put("connectionsTarget", target);
    r.put("connectionsHeld", Long.parseLong(params.getOrDefault("statsConnections", "0")));
    r.put("gatewayNodes", nodes.size());
    r.put("injectors", connect.get("injectors"));
    r.put("tool", connect.get("tools"));

    Map<String, Object> failures = new LinkedHashMap<>();
    failures.put("connectFailures", bcast.get("connectFailures"));
    failures.put("httpErrors", bcast.get("httpErrors"));
    failures.put("disconnects", bcast.get("disconnects"));
    failures.put("neverConnected", target - ((Number) bcast.getOrDefault("everConnected", 0)).longValue());
    r.put("failures", failures);
    r.put("connectMs", connect.get("connectMs"));

    List<Map<String, Object>> nodeList = new ArrayList<>();
    double rssBase = 0, rssGc = 0, heapGc = 0, cpuRamp = 0, cpuIdle = 0, cpuBcast = 0, conns = 0;
    double idleSeconds = 0, bcastSeconds = 0, rampSeconds = 0;
    for (Map<String, String> n : nodes) {
      Map<String, Object> m = new LinkedHashMap<>();
      double c = Tsv.num(n, "connections");
      m.put("node", n.get("node"));
      m.put("address", n.get("address"));
      m.put("connections", (long) c);
      m.put("rssBaselineMiB", mib(Tsv.num(n, "rss_base_kb")));
      m.put("rssLoadedMiB", mib(Tsv.num(n, "rss_loaded_kb")));
      m.put("rssAfterGcMiB", mib(Tsv.num(n, "rss_gc_kb")));
      m.put("heapUsedAfterGcMiB", mib(Tsv.num(n, "heap_used_gc_kb")));
      m.put("heapCommittedMiB", mib(Tsv.num(n, "heap_committed_kb")));
      m.put("rssAfterBroadcastMiB", mib(Tsv.num(n, "rss_bcast_kb")));
      double kib = c > 0 ? (Tsv.num(n, "rss_gc_kb") - Tsv.num(n, "rss_base_kb")) / c : 0;
      m.put("kibPerConnection", round1(kib));
      m.put("kibPerConnectionTotalRss", c > 0 ? round1(Tsv.num(n, "rss_gc_kb") / c) : 0);
      m.put("heapKibPerConnection", c > 0 ? round1((Tsv.num(n, "heap_used_gc_kb") - Tsv.num(n, "heap_used_base_kb")) / c) : 0);
      m.put("cpuSecondsRamp", round1(Tsv.num(n, "cpu_ramp_s")));
      m.put("cpuSecondsIdle", round1(Tsv.num(n, "cpu_idle_s")));
      m.put("cpuSecondsBroadcast", round1(Tsv.num(n, "cpu_bcast_s")));
      nodeList.add(m);
      rssBase += Tsv.num(n, "rss_base_kb");
      rssGc += Tsv.num(n, "rss_gc_kb");
      heapGc += Tsv.num(n, "heap_used_gc_kb") - Tsv.num(n, "heap_used_base_kb");
      cpuRamp += Tsv.num(n, "cpu_ramp_s");
      cpuIdle += Tsv.num(n, "cpu_idle_s");
      cpuBcast += Tsv.num(n, "cpu_bcast_s");
      conns += c;
      idleSeconds = Math.max(idleSeconds, Tsv.num(n, "idle_s"));
      bcastSeconds = Math.max(bcastSeconds, Tsv.num(n, "bcast_s"));
      rampSeconds = Math.max(rampSeconds, Tsv.num(n, "ramp_s"));
    }
    r.put("nodes", nodeList);
    Map<String, Object> mem = new LinkedHashMap<>();
    mem.put("rssTotalMiB", mib(rssGc));
    mem.put("rssBaselineTotalMiB", mib(rssBase));
    mem.put("kibPerConnection", conns > 0 ? round1((rssGc - rssBase) / conns) : 0);
    mem.put("kibPerConnectionTotalRss", conns > 0 ? round1(rssGc / conns) : 0);
    mem.put("heapKibPerConnection", conns > 0 ? round1(heapGc / conns) : 0);
    mem.put("note", "RSS after a full GC (jcmd GC.run); per connection = (RSS loaded - RSS before any connection) / connections on the node");
    r.put("memory", mem);
    Map<String, Object> cpu = new LinkedHashMap<>();
    cpu.put("rampCpuSeconds", round1(cpuRamp));
    cpu.put("rampSeconds", round1(rampSeconds));
    cpu.put("idleCpuSeconds", round1(cpuIdle));
    cpu.put("idleSeconds", round1(idleSeconds));
    cpu.put("idleCpuPercentOfOneCore", idleSeconds > 0 ? round1(cpuIdle * 100 / idleSeconds) : 0);
    cpu.put("broadcastCpuSeconds", round1(cpuBcast));
    cpu.put("broadcastSeconds", round1(bcastSeconds));
    long delivered = ((Number) bcast.getOrDefault("delivered", 0)).longValue();
    cpu.put("cpuSecondsPer1MDeliveries", delivered > 0 ? round1(cpuBcast * 1e6 / delivered) : null);
    r.put("cpu", cpu);

    Map<String, Object> delivery = new LinkedHashMap<>();
    for (String k : List.of("published", "publishErrors", "expectedDeliveries", "delivered", "deliveredPercent", "lost",
        "duplicates", "gaps", "historyLost", "deliveriesPerSecond", "latencyMs", "publishCallMs")) {
      delivery.put(k, bcast.get(k));
    }
    r.put("broadcast", delivery);
    r.put("params", params);
    return r;
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> mem = (Map<String, Object>) r.get("memory");
    Map<String, Object> cpu = (Map<String, Object>) r.get("cpu");
    Map<String, Object> b = (Map<String, Object>) r.get("broadcast");
    Map<String, Object> lat = (Map<String, Object>) b.get("latencyMs");
    Map<String, Object> f = (Map<String, Object>) r.get("failures");
    Map<String, String> params = (Map<String, String>) r.get("params");
    sb.append("# Scaling run: ").append(r.get("connectionsTarget")).append(" SSE connections (").append(r.get("date")).append(")\n\n");
    sb.append("Command:\n\n```sh\n").append(r.get("command")).append("\n```\n\n");
    sb.append("Machine: ").append(params.getOrDefault("machine", "?")).append(". Injector: ").append(r.get("tool"))
        .append(" (").append(r.get("injectors")).append(" processes); ").append(r.get("gatewayNodes"))
        .append(" gateway nodes, one Hazelcast cluster, one Redis.\n\n");
    sb.append("| measure | value |\n|---|---:|\n");
    row(sb, "connections held (/stats total)", r.get("connectionsHeld") + " of " + r.get("connectionsTarget"));
    row(sb, "connect failures / never connected / disconnects", f.get("connectFailures") + " / " + f.get("neverConnected") + " / " + f.get("disconnects"));
    row(sb, "HTTP errors", f.get("httpErrors"));
    row(sb, "connect time p50 / p99 / max (ms)", pct((Map<String, Object>) r.get("connectMs"), "p50", "p99", "max"));
    row(sb, "RSS of all nodes after full GC (MiB)", mem.get("rssTotalMiB") + " (baseline " + mem.get("rssBaselineTotalMiB") + ")");
    row(sb, "KiB RSS per connection (marginal / total RSS)", mem.get("kibPerConnection") + " / " + mem.get("kibPerConnectionTotalRss"));
    row(sb, "KiB heap per connection (after full GC)", mem.get("heapKibPerConnection"));
    row(sb, "CPU during ramp (CPU-s over s)", cpu.get("rampCpuSeconds") + " over " + cpu.get("rampSeconds"));
    row(sb, "CPU while idle (% of one core, all nodes)", cpu.get("idleCpuPercentOfOneCore"));
    row(sb, "CPU during broadcast (CPU-s; per 1M deliveries)", cpu.get("broadcastCpuSeconds") + "; " + cpu.get("cpuSecondsPer1MDeliveries"));
    row(sb, "broadcasts published (errors)", b.get("published") + " (" + b.get("publishErrors") + ")");
    row(sb, "delivered / expected", b.get("delivered") + " / " + b.get("expectedDeliveries") + " (" + b.get("deliveredPercent") + " %)");
    row(sb, "lost / duplicates", b.get("lost") + " / " + b.get("duplicates"));
    row(sb, "publish-to-delivery latency p50 / p99 / p99.9 / max (ms)", pct(lat, "p50", "p99", "p99.9", "max"));
    row(sb, "deliveries/s during the broadcast", b.get("deliveriesPerSecond"));
    sb.append("\n## Per node\n\n| node | address | connections | RSS base MiB | RSS loaded MiB | RSS after GC MiB | heap used after GC MiB | KiB/conn | CPU-s ramp | CPU-s idle | CPU-s broadcast |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Map<String, Object> n : (List<Map<String, Object>>) r.get("nodes")) {
      sb.append("| ").append(n.get("node")).append(" | ").append(n.get("address")).append(" | ").append(n.get("connections"))
          .append(" | ").append(n.get("rssBaselineMiB")).append(" | ").append(n.get("rssLoadedMiB"))
          .append(" | ").append(n.get("rssAfterGcMiB")).append(" | ").append(n.get("heapUsedAfterGcMiB"))
          .append(" | ").append(n.get("kibPerConnection")).append(" | ").append(n.get("cpuSecondsRamp"))
          .append(" | ").append(n.get("cpuSecondsIdle")).append(" | ").append(n.get("cpuSecondsBroadcast")).append(" |\n");
    }
    sb.append("\n").append(mem.get("note")).append(". Latency is measured by the injectors: the publish time (epoch µs) is in each "
        + "event's data and the receive time is taken when the event is parsed; HdrHistograms of all injectors are added.\n");
    sb.append("\n## Parameters\n\n| parameter | value |\n|---|---|\n");
    params.forEach((k, v) -> {
      if (!k.equals("command")) {
        sb.append("| ").append(k).append(" | `").append(v.replace("|", "\\|")).append("` |\n");
      }
    });
    return sb.toString();
  }

  private static void row(StringBuilder sb, String k, Object v) {
    sb.append("| ").append(k).append(" | ").append(v).append(" |\n");
  }

  private static String pct(Map<String, Object> m, String... keys) {
    if (m == null) {
      return "-";
    }
    List<String> parts = new ArrayList<>();
    for (String k : keys) {
      parts.add(String.valueOf(m.getOrDefault(k, "-")));
    }
    return String.join(" / ", parts);
  }

  private static double mib(double kb) {
    return Math.round(kb / 1024.0 * 10) / 10.0;
  }

  private static double round1(double v) {
    return Math.round(v * 10) / 10.0;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}

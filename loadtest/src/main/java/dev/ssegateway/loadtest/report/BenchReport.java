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
 * Prints and writes the side-by-side result of bench-vs-nchan.sh: per server, memory per idle
 * connection, and per phase deliveries/s, latency percentiles, lost/duplicates and server
 * CPU-seconds per million deliveries; then the ratios gateway / nchan.
 *
 * <p>{@code BenchReport WORK_DIR OUT_BASE COMMAND MACHINE key=value...} where the key=value pairs
 * are the script's /proc samples ({@code gateway.kib_rss}, {@code nchan.steady.cpu}, ...) and
 * parameters; merged results are read from {@code WORK_DIR/<server>/merged-<phase>.json}.
 */
public final class BenchReport {
  private BenchReport() {}

  static final List<String> PHASES = List.of("steady", "max");

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws IOException {
    Path work = Path.of(args[0]);
    Path outBase = Path.of(args[1]);
    Map<String, String> kv = new LinkedHashMap<>();
    for (int i = 4; i < args.length; i++) {
      int eq = args[i].indexOf('=');
      if (eq > 0) {
        kv.put(args[i].substring(0, eq), args[i].substring(eq + 1));
      }
    }
    Map<String, Object> report = new LinkedHashMap<>();
    report.put("kind", "vs-nchan");
    report.put("date", java.time.Instant.now().toString());
    report.put("command", args[2]);
    report.put("machine", args[3]);
    Map<String, Object> servers = new LinkedHashMap<>();
    for (String server : List.of("gateway", "nchan")) {
      if (!Files.isDirectory(work.resolve(server))) {
        continue;
      }
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("kibRssPerIdleConnection", num(kv.get(server + ".kib_rss")));
      s.put("kibPssPerIdleConnection", num(kv.get(server + ".kib_pss")));
      if (server.equals("gateway")) {
        s.put("kibRssPerIdleConnectionAfterGc", num(kv.get("gateway.kib_rss_gc")));
        s.put("heapUsedAfterGcMiB", num(kv.get("gateway.heap_mib")));
      }
      s.put("idleCpuPercentOfOneCore", num(kv.get(server + ".idlecpu")));
      for (String phase : PHASES) {
        Path merged = work.resolve(server).resolve("merged-" + phase + ".json");
        if (!Files.exists(merged)) {
          continue;
        }
        Map<String, Object> m = Json.read(merged, Map.class);
        Map<String, Object> p = new LinkedHashMap<>();
        long delivered = ((Number) m.get("delivered")).longValue();
        double cpu = num(kv.get(server + "." + phase + ".cpu"));
        double extra = num(kv.get(server + "." + phase + ".extracpu"));
        p.put("published", m.get("published"));
        p.put("delivered", delivered);
        p.put("expected", m.get("expectedDeliveries"));
        p.put("lost", m.get("lost"));
        p.put("duplicates", m.get("duplicates"));
        p.put("reconnects", m.get("reconnects"));
        p.put("deliveriesPerSecond", m.get("deliveriesPerSecond"));
        p.put("latencyMs", m.get("latencyMs"));
        p.put("serverCpuSeconds", cpu);
        p.put("serverCpuSecondsPer1MDeliveries", delivered > 0 ? round(cpu * 1e6 / delivered) : null);
        if (server.equals("gateway")) {
          p.put("redisCpuSeconds", extra);
          p.put("withRedisCpuSecondsPer1MDeliveries", delivered > 0 ? round((cpu + extra) * 1e6 / delivered) : null);
        }
        s.put(phase, p);
      }
      servers.put(server, s);
    }
    report.put("servers", servers);
    Map<String, Object> ratios = new LinkedHashMap<>();
    if (servers.containsKey("gateway") && servers.containsKey("nchan")) {
      Map<String, Object> g = (Map<String, Object>) servers.get("gateway");
      Map<String, Object> n = (Map<String, Object>) servers.get("nchan");
      ratios.put("kibRssPerIdleConnection", ratio(g.get("kibRssPerIdleConnection"), n.get("kibRssPerIdleConnection")));
      ratios.put("kibPssPerIdleConnection", ratio(g.get("kibPssPerIdleConnection"), n.get("kibPssPerIdleConnection")));
      for (String phase : PHASES) {
        Map<String, Object> gp = (Map<String, Object>) g.get(phase);
        Map<String, Object> np = (Map<String, Object>) n.get(phase);
        if (gp == null || np == null) {
          continue;
        }
        ratios.put(phase + ".cpuPer1MDeliveries", ratio(gp.get("serverCpuSecondsPer1MDeliveries"), np.get("serverCpuSecondsPer1MDeliveries")));
        ratios.put(phase + ".cpuPer1MDeliveriesWithRedis", ratio(gp.get("withRedisCpuSecondsPer1MDeliveries"), np.get("serverCpuSecondsPer1MDeliveries")));
        ratios.put(phase + ".deliveriesPerSecond", ratio(gp.get("deliveriesPerSecond"), np.get("deliveriesPerSecond")));
        ratios.put(phase + ".latencyP99", ratio(((Map<String, Object>) gp.get("latencyMs")).get("p99"),
            ((Map<String, Object>) np.get("latencyMs")).get("p99")));
      }
    }
    report.put("ratiosGatewayOverNchan", ratios);
    report.put("params", kv.entrySet().stream().filter(e -> !e.getKey().contains("."))
        .collect(LinkedHashMap::new, (m, e) -> m.put(e.getKey(), e.getValue()), Map::putAll));
    String md = markdown(report);
    Json.write(Path.of(outBase + ".json"), report);
    Files.writeString(Path.of(outBase + ".md"), md);
    System.out.println(md);
    System.out.println("(written to " + outBase + ".md and .json)");
  }

  @SuppressWarnings("unchecked")
  static String markdown(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    Map<String, Object> servers = (Map<String, Object>) r.get("servers");
    sb.append("# Fan-out: sse-gateway vs Nchan (").append(r.get("date")).append(")\n\n");
    sb.append("```sh\n").append(r.get("command")).append("\n```\n\n").append("Machine: ").append(r.get("machine")).append(". ");
    sb.append("Parameters: ").append(r.get("params")).append(".\n\n");
    List<String> names = new ArrayList<>(servers.keySet());
    sb.append("| measure |");
    names.forEach(n -> sb.append(' ').append(n).append(" |"));
    sb.append(" gateway / nchan |\n|---|");
    names.forEach(n -> sb.append("---:|"));
    sb.append("---:|\n");
    Map<String, Object> ratios = (Map<String, Object>) r.get("ratiosGatewayOverNchan");
    row(sb, servers, names, "KiB RSS per idle connection", s -> s.get("kibRssPerIdleConnection"), ratios.get("kibRssPerIdleConnection"));
    row(sb, servers, names, "KiB PSS per idle connection", s -> s.get("kibPssPerIdleConnection"), ratios.get("kibPssPerIdleConnection"));
    row(sb, servers, names, "KiB RSS per idle connection after full GC", s -> s.get("kibRssPerIdleConnectionAfterGc"), null);
    row(sb, servers, names, "idle CPU (% of one core)", s -> s.get("idleCpuPercentOfOneCore"), null);
    for (String phase : PHASES) {
      String label = phase.equals("steady") ? "steady rate" : "as fast as possible";
      row(sb, servers, names, label + ": delivered / expected (lost, dup)", s -> phaseOf(s, phase, p ->
          p.get("delivered") + " / " + p.get("expected") + " (" + p.get("lost") + ", " + p.get("duplicates") + ")"), null);
      row(sb, servers, names, label + ": deliveries/s", s -> phaseOf(s, phase, p -> p.get("deliveriesPerSecond")),
          ratios.get(phase + ".deliveriesPerSecond"));
      row(sb, servers, names, label + ": latency p50 / p99 / p99.9 / max (ms)", s -> phaseOf(s, phase, p -> {
        Map<String, Object> l = (Map<String, Object>) p.get("latencyMs");
        return l.get("p50") + " / " + l.get("p99") + " / " + l.get("p99.9") + " / " + l.get("max");
      }), ratios.get(phase + ".latencyP99"));
      row(sb, servers, names, label + ": server CPU-s per 1M deliveries", s -> phaseOf(s, phase, p -> p.get("serverCpuSecondsPer1MDeliveries")),
          ratios.get(phase + ".cpuPer1MDeliveries"));
      row(sb, servers, names, label + ": same, gateway + its Redis", s -> phaseOf(s, phase, p -> p.get("withRedisCpuSecondsPer1MDeliveries")),
          ratios.get(phase + ".cpuPer1MDeliveriesWithRedis"));
    }
    sb.append("\nRatios < 1 favour the gateway for memory, CPU and latency; > 1 favours it for deliveries/s. "
        + "The same client (SseInjector) and publisher (LoadPublisher over HTTP) ran against both, one after the other.\n");
    return sb.toString();
  }

  @SuppressWarnings("unchecked")
  private static Object phaseOf(Map<String, Object> s, String phase, java.util.function.Function<Map<String, Object>, Object> f) {
    Object p = s.get(phase);
    return p == null ? null : f.apply((Map<String, Object>) p);
  }

  @SuppressWarnings("unchecked")
  private static void row(StringBuilder sb, Map<String, Object> servers, List<String> names, String label,
                          java.util.function.Function<Map<String, Object>, Object> f, Object ratio) {
    sb.append("| ").append(label).append(" |");
    for (String n : names) {
      Object v = f.apply((Map<String, Object>) servers.get(n));
      sb.append(' ').append(v == null ? "-" : v).append(" |");
    }
    sb.append(' ').append(ratio == null ? "" : ratio).append(" |\n");
  }

  private static Double ratio(Object a, Object b) {
    if (!(a instanceof Number x) || !(b instanceof Number y) || y.doubleValue() == 0) {
      return null;
    }
    return Math.round(x.doubleValue() / y.doubleValue() * 100) / 100.0;
  }

  private static double num(String s) {
    try {
      return s == null ? 0 : Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static double round(double v) {
    return Math.round(v * 100) / 100.0;
  }

  static String fmt(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }
}

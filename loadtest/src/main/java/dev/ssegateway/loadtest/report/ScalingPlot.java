package dev.ssegateway.loadtest.report;

import dev.ssegateway.loadtest.core.Json;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Draws the scaling results ({@code results/*.json} of kind "scale"; the newest run per connection
 * count) as one SVG with three panels against connections held: RSS of all nodes, KiB per connection
 * (RSS and heap), and publish-to-delivery latency (p50, p99, p99.9). Plain SVG text: no plotting
 * library, no network.
 *
 * <p>{@code ScalingPlot RESULTS_DIR OUT.svg}
 */
public final class ScalingPlot {
  private ScalingPlot() {}

  record Point(double x, double[] y) {}

  record Series(String name, String color, int index) {}

  @SuppressWarnings("unchecked")
  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    Path out = Path.of(args[1]);
    TreeMap<Long, Map<String, Object>> byN = new TreeMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
    for (Path f : files) {
      Map<String, Object> r;
      try {
        r = Json.read(f, Map.class);
      } catch (RuntimeException e) {
        continue;
      }
      if ("scale".equals(r.get("kind"))) {
        byN.put(((Number) r.get("connectionsTarget")).longValue(), r); // sorted by name: the newest wins
      }
    }
    if (byN.isEmpty()) {
      System.err.println("no scaling results (kind \"scale\") in " + dir);
      System.exit(1);
    }
    List<Point> pts = new ArrayList<>();
    for (Map<String, Object> r : byN.values()) {
      Map<String, Object> mem = (Map<String, Object>) r.get("memory");
      Map<String, Object> lat = (Map<String, Object>) ((Map<String, Object>) r.get("broadcast")).get("latencyMs");
      double held = ((Number) r.get("connectionsHeld")).doubleValue();
      pts.add(new Point(held > 0 ? held : ((Number) r.get("connectionsTarget")).doubleValue(), new double[] {
          d(mem.get("rssTotalMiB")), d(mem.get("kibPerConnection")), d(mem.get("heapKibPerConnection")),
          d(lat == null ? null : lat.get("p50")), d(lat == null ? null : lat.get("p99")), d(lat == null ? null : lat.get("p99.9"))}));
    }
    StringBuilder svg = new StringBuilder();
    int w = 1200;
    int h = 400;
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(w).append("\" height=\"").append(h)
        .append("\" viewBox=\"0 0 ").append(w).append(' ').append(h).append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
    svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
    svg.append("<text x=\"").append(w / 2).append("\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">sse-gateway: memory and latency against concurrent SSE connections</text>\n");
    panel(svg, 20, 40, 370, 330, "RSS of all nodes after full GC (MiB)", pts, List.of(new Series("RSS total", "#1f77b4", 0)));
    panel(svg, 420, 40, 370, 330, "Memory per connection (KiB)", pts,
        List.of(new Series("RSS / connection", "#1f77b4", 1), new Series("heap / connection", "#2ca02c", 2)));
    panel(svg, 820, 40, 370, 330, "Broadcast publish-to-delivery latency (ms)", pts,
        List.of(new Series("p50", "#2ca02c", 3), new Series("p99", "#ff7f0e", 4), new Series("p99.9", "#d62728", 5)));
    svg.append("</svg>\n");
    Files.writeString(out, svg.toString());
    System.out.println("wrote " + out + " (" + pts.size() + " runs: " + byN.keySet() + " connections)");
  }

  private static void panel(StringBuilder svg, int x0, int y0, int pw, int ph, String title, List<Point> pts, List<Series> series) {
    int left = x0 + 55;
    int right = x0 + pw - 10;
    int top = y0 + 42;
    int bottom = y0 + ph - 40;
    double maxX = niceMax(pts.stream().mapToDouble(Point::x).max().orElse(1));
    double maxY = 0;
    for (Series s : series) {
      for (Point p : pts) {
        maxY = Math.max(maxY, p.y()[s.index()]);
      }
    }
    maxY = niceMax(maxY);
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"13\">%s</text>\n",
        (left + right) / 2, y0 + 14, title));
    svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>\n",
        left, top, right - left, bottom - top));
    for (int i = 0; i <= 5; i++) {
      double fy = i / 5.0;
      int y = (int) Math.round(bottom - fy * (bottom - top));
      int x = (int) Math.round(left + fy * (right - left));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#eee\"/>\n", left, y, right, y));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n", left - 4, y + 4, label(maxY * fy)));
      svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>\n", x, bottom + 16, label(maxX * fy)));
    }
    svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">connections</text>\n", (left + right) / 2, bottom + 32));
    int lx = left;
    int ly = y0 + 32;
    for (Series s : series) {
      StringBuilder poly = new StringBuilder();
      for (Point p : pts) {
        double px = left + p.x() / maxX * (right - left);
        double py = bottom - (maxY == 0 ? 0 : p.y()[s.index()] / maxY) * (bottom - top);
        poly.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
        svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>%s at %.0f: %s</title></circle>\n",
            px, py, s.color(), s.name(), p.x(), label(p.y()[s.index()])));
      }
      svg.append(String.format(Locale.ROOT, "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\"/>\n", poly.toString().trim(), s.color()));
      svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>"
          + "<text x=\"%d\" y=\"%d\">%s</text>\n", lx, ly - 4, lx + 20, ly - 4, s.color(), lx + 24, ly, s.name()));
      lx += 34 + 7 * s.name().length();
    }
  }

  static double niceMax(double v) {
    if (v <= 0) {
      return 1;
    }
    double mag = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (m * mag >= v) {
        return m * mag;
      }
    }
    return 10 * mag;
  }

  static String label(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    if (v >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static double d(Object o) {
    return o instanceof Number n ? n.doubleValue() : 0;
  }
}

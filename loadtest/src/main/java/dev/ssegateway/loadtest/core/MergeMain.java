package dev.ssegateway.loadtest.core;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Command line of {@link ResultMerger}, used by the scripts:
 * {@code MergeMain --out merged.json [--publish pub.json]... injector.json...}.
 * Prints a one-line summary.
 */
public final class MergeMain {
  private MergeMain() {}

  public static void main(String[] args) {
    Path out = null;
    long faultMicros = 0;
    List<PublishResult> pubs = new ArrayList<>();
    List<InjectorResult> injs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--publish" -> pubs.add(Json.read(Path.of(args[++i]), PublishResult.class));
        case "--fault-micros" -> faultMicros = Long.parseLong(args[++i]);
        default -> injs.add(Json.read(Path.of(args[i]), InjectorResult.class));
      }
    }
    if (out == null || injs.isEmpty()) {
      System.err.println("usage: MergeMain --out merged.json [--publish pub.json]... [--fault-micros T] injector.json...");
      System.exit(2);
    }
    if (faultMicros > 0) {
      for (InjectorResult r : injs) {
        r.faultMicros = faultMicros;
      }
    }
    Map<String, Object> merged = ResultMerger.merge(pubs, injs);
    Json.write(out, merged);
    System.out.printf("injectors=%s connected=%s expected=%s delivered=%s lost=%s duplicates=%s latencyMs=%s%n",
        merged.get("injectors"), merged.get("connected"), merged.get("expectedDeliveries"), merged.get("delivered"),
        merged.get("lost"), merged.get("duplicates"), merged.get("latencyMs"));
    if (merged.containsKey("recoverySeconds")) {
      System.out.printf("disconnects=%s reconnects=%s recoverySeconds=%s resumeMs=%s historyLost=%s%n", merged.get("disconnects"),
          merged.get("reconnects"), merged.get("recoverySeconds"), merged.get("resumeMs"), merged.get("historyLost"));
    }
  }
}

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
    List<PublishResult> pubs = new ArrayList<>();
    List<InjectorResult> injs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--out" -> out = Path.of(args[++i]);
        case "--publish" -> pubs.add(Json.read(Path.of(args[++i]), PublishResult.class));
        default -> injs.add(Json.read(Path.of(args[i]), InjectorResult.class));
      }
    }
    if (out == null || injs.isEmpty()) {
      System.err.println("usage: MergeMain --out merged.json [--publish pub.json]... injector.json...");
      System.exit(2);
    }
    Map<String, Object> merged = ResultMerger.merge(pubs, injs);
    Json.write(out, merged);
    System.out.printf("injectors=%s connected=%s expected=%s delivered=%s lost=%s duplicates=%s latencyMs=%s%n",
        merged.get("injectors"), merged.get("connected"), merged.get("expectedDeliveries"), merged.get("delivered"),
        merged.get("lost"), merged.get("duplicates"), merged.get("latencyMs"));
  }
}

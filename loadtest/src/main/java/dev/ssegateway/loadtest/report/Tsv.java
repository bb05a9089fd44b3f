package dev.ssegateway.loadtest.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Tab-separated rows with a header line (what the scripts write from /proc samples), and key=value files. */
public final class Tsv {
  private Tsv() {}

  public static List<Map<String, String>> read(Path file) {
    try {
      List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
      List<Map<String, String>> rows = new ArrayList<>();
      if (lines.isEmpty()) {
        return rows;
      }
      String[] header = lines.get(0).split("\t", -1);
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split("\t", -1);
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < header.length; i++) {
          row.put(header[i], i < cells.length ? cells[i] : "");
        }
        rows.add(row);
      }
      return rows;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** KEY=value lines ('#' comments); the value is everything after the first '='. */
  public static Map<String, String> readEnv(Path file) {
    try {
      Map<String, String> m = new LinkedHashMap<>();
      for (String line : Files.readAllLines(file)) {
        int eq = line.indexOf('=');
        if (!line.startsWith("#") && eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static double num(Map<String, String> row, String key) {
    String v = row.getOrDefault(key, "");
    try {
      return v.isBlank() ? 0 : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}

package dev.ssegateway.loadtest.core;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Load-test parameters from system properties ({@code -Dname=value}), each with a default; every
 * value read is remembered so that a run can print and record exactly what it ran with.
 */
public final class Params {
  private static final Map<String, String> USED = new LinkedHashMap<>();

  private Params() {}

  public static synchronized String str(String name, String dflt) {
    String v = System.getProperty(name, dflt);
    USED.put(name, v);
    return v;
  }

  public static int integer(String name, int dflt) {
    return Integer.parseInt(str(name, Integer.toString(dflt)).trim());
  }

  public static long lng(String name, long dflt) {
    return Long.parseLong(str(name, Long.toString(dflt)).trim());
  }

  public static double dbl(String name, double dflt) {
    return Double.parseDouble(str(name, Double.toString(dflt)).trim());
  }

  public static boolean bool(String name, boolean dflt) {
    return Boolean.parseBoolean(str(name, Boolean.toString(dflt)).trim());
  }

  /** A comma-separated list (blank entries dropped). */
  public static List<String> list(String name, String dflt) {
    return Arrays.stream(str(name, dflt).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  /** Every parameter read so far, with the value in force. */
  public static synchronized Map<String, String> used() {
    return new LinkedHashMap<>(USED);
  }

  public static String describe() {
    StringBuilder sb = new StringBuilder();
    used().forEach((k, v) -> sb.append("  -D").append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }
}

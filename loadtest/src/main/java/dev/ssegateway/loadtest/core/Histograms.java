package dev.ssegateway.loadtest.core;

import org.HdrHistogram.Histogram;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;

/** HdrHistograms as base64 of their compressed form (what injectors write and the merger reads). */
public final class Histograms {
  private Histograms() {}

  /** A histogram of microseconds, auto-resizing, 3 significant digits. */
  public static Histogram newMicros() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  public static String encode(Histogram h) {
    ByteBuffer buf = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int len = h.encodeIntoCompressedByteBuffer(buf);
    return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buf.array(), len));
  }

  public static Histogram decode(String base64) {
    if (base64 == null || base64.isEmpty()) {
      return newMicros();
    }
    try {
      Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
      h.setAutoResize(true);
      return h;
    } catch (DataFormatException e) {
      throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
    }
  }

  /** Adds every encoded histogram into one. */
  public static Histogram merge(Iterable<String> encoded) {
    Histogram total = newMicros();
    for (String e : encoded) {
      total.add(decode(e));
    }
    return total;
  }

  /** count, mean, p50, p90, p99, p99.9, max of a microsecond histogram, in milliseconds. */
  public static Map<String, Object> summaryMillis(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    if (h.getTotalCount() == 0) {
      return m;
    }
    m.put("mean", round(h.getMean() / 1000.0));
    m.put("p50", ms(h.getValueAtPercentile(50)));
    m.put("p90", ms(h.getValueAtPercentile(90)));
    m.put("p99", ms(h.getValueAtPercentile(99)));
    m.put("p99.9", ms(h.getValueAtPercentile(99.9)));
    m.put("max", ms(h.getMaxValue()));
    return m;
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }
}

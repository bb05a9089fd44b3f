package dev.ssegateway.loadtest.core;

import java.time.Instant;

/** Wall-clock time in epoch microseconds: publisher and subscribers run on one machine, one clock. */
public final class Micros {
  private Micros() {}

  public static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }
}

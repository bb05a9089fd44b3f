package dev.ssegateway.gateway.fault;

import java.util.Arrays;

/** A growable list of longs: what each client received, without boxing 100k events. */
final class LongList {
  private long[] values = new long[64];
  private int size;

  void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  int size() {
    return size;
  }

  long get(int i) {
    return values[i];
  }

  long last() {
    return size == 0 ? -1 : values[size - 1];
  }

  /** Whether {@code v} is among the last {@code window} values. */
  boolean containsNearEnd(long v, int window) {
    for (int i = size - 1; i >= 0 && i >= size - window; i--) {
      if (values[i] == v) {
        return true;
      }
    }
    return false;
  }

  long[] toArray() {
    return Arrays.copyOf(values, size);
  }
}

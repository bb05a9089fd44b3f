package dev.ssegateway.gateway.broker.redis;

import java.nio.charset.StandardCharsets;

/**
 * The Redis Cluster hash slot of a key or sharded channel: CRC16 (XMODEM) of the key, or of its
 * hash tag (the text between the first {@code {} and the next {@code }}, when not empty), modulo
 * 16384. A topic's channel {@code sse:{topic}} and history {@code sse:{topic}:h} share one.
 */
public final class HashSlot {
  public static final int SLOTS = 16384;

  private HashSlot() {}

  public static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int from = 0;
    int to = bytes.length;
    int open = indexOf(bytes, (byte) '{', 0);
    if (open >= 0) {
      int close = indexOf(bytes, (byte) '}', open + 1);
      if (close > open + 1) {
        from = open + 1;
        to = close;
      }
    }
    return crc16(bytes, from, to) % SLOTS;
  }

  private static int indexOf(byte[] bytes, byte b, int from) {
    for (int i = from; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }

  private static int crc16(byte[] bytes, int from, int to) {
    int crc = 0;
    for (int i = from; i < to; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
      }
      crc &= 0xffff;
    }
    return crc;
  }
}

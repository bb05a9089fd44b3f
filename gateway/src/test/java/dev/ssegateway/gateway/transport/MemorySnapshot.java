package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What this JVM (and the kernel, for its TCP sockets) holds at one moment, after a forced full
 * GC: the heap in use, JDK direct buffers (Netty's pooled arenas and the gateway's shared event
 * buffers live there), and the kernel's TCP buffer memory from {@code /proc/net/sockstat}
 * (machine-wide, so it includes the test's own client sockets).
 */
record MemorySnapshot(long heapBytes, long directBytes, long kernelTcpBytes) {
  private static final long PAGE = 4096;

  static MemorySnapshot take() {
    for (int i = 0; i < 2; i++) {
      System.gc();
      sleep(30);
    }
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(b -> b.getName().equals("direct")).mapToLong(BufferPoolMXBean::getMemoryUsed).sum();
    return new MemorySnapshot(heap, direct, kernelTcpPages() * PAGE);
  }

  MemorySnapshot minus(MemorySnapshot base) {
    return new MemorySnapshot(heapBytes - base.heapBytes, directBytes - base.directBytes,
        kernelTcpBytes - base.kernelTcpBytes);
  }

  MemorySnapshot max(MemorySnapshot other) {
    return new MemorySnapshot(Math.max(heapBytes, other.heapBytes), Math.max(directBytes, other.directBytes),
        Math.max(kernelTcpBytes, other.kernelTcpBytes));
  }

  String perClient(int clients) {
    return String.format("heap %,d B, direct %,d B, kernel TCP %,d B",
        heapBytes / clients, directBytes / clients, kernelTcpBytes / clients);
  }

  /** The "mem" figure of the TCP line of /proc/net/sockstat (pages), or 0 where it is missing. */
  private static long kernelTcpPages() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/net/sockstat"))) {
        if (line.startsWith("TCP:")) {
          String[] parts = line.split("\\s+");
          for (int i = 0; i < parts.length - 1; i++) {
            if (parts[i].equals("mem")) {
              return Long.parseLong(parts[i + 1]);
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux: report 0
    }
    return 0;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

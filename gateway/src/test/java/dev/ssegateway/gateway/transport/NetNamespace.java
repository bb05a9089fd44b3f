package dev.ssegateway.gateway.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A second host on this machine: a Linux network namespace joined to this one by a veth pair,
 * made with iproute2 (needs root). Taking its link down makes it vanish the way a client behind
 * a dead Wi-Fi or a NAT that forgot it does: no FIN, no reset, no acknowledgement ever again.
 */
final class NetNamespace implements AutoCloseable {
  private final String name;
  private final String hostIf;
  private final String peerIf;
  private final String hostIp;
  private final String peerIp;

  private NetNamespace(String suffix, int subnet) {
    this.name = "sse-t-" + suffix;
    this.hostIf = "vh" + suffix;
    this.peerIf = "vc" + suffix;
    this.hostIp = "10.214." + (subnet / 64) + "." + (subnet % 64 * 4 + 1);
    this.peerIp = "10.214." + (subnet / 64) + "." + (subnet % 64 * 4 + 2);
  }

  /** Why namespaces cannot be made here, or null when they can. */
  static String unavailableReason() {
    if (!"root".equals(System.getProperty("user.name"))) {
      return "network namespaces need root (this runs as " + System.getProperty("user.name") + ")";
    }
    if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
      return "iproute2 (ip) is not installed";
    }
    if (!Files.isExecutable(Path.of("/usr/bin/curl"))) {
      return "curl is not installed";
    }
    return null;
  }

  static NetNamespace create() throws IOException {
    String suffix = Integer.toString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24), 36);
    NetNamespace ns = new NetNamespace(suffix, ThreadLocalRandom.current().nextInt(64 * 250));
    try {
      run("ip", "netns", "add", ns.name);
      run("ip", "link", "add", ns.hostIf, "type", "veth", "peer", "name", ns.peerIf);
      run("ip", "link", "set", ns.peerIf, "netns", ns.name);
      run("ip", "addr", "add", ns.hostIp + "/30", "dev", ns.hostIf);
      run("ip", "link", "set", ns.hostIf, "up");
      ns.exec("ip", "addr", "add", ns.peerIp + "/30", "dev", ns.peerIf);
      ns.exec("ip", "link", "set", ns.peerIf, "up");
      ns.exec("ip", "link", "set", "lo", "up");
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** This machine's address as seen from the namespace. */
  String hostIp() {
    return hostIp;
  }

  /** Starts {@code command} inside the namespace. */
  Process start(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    return new ProcessBuilder(full).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /** Takes the namespace's link down: from now on nothing it sends or should receive gets through. */
  void vanish() throws IOException {
    exec("ip", "link", "set", peerIf, "down");
  }

  private void exec(String... command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
    full.addAll(List.of(command));
    run(full.toArray(new String[0]));
  }

  private static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out.trim());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public void close() {
    try {
      run("ip", "netns", "del", name); // removes the veth pair with it
    } catch (IOException ignored) {
      // best effort
    }
    try {
      run("ip", "link", "del", hostIf);
    } catch (IOException ignored) {
      // already gone with the namespace
    }
  }
}

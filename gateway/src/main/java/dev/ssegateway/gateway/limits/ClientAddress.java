package dev.ssegateway.gateway.limits;

import java.net.InetAddress;
import java.util.List;

/**
 * Who a request comes from, for per-address limits and the logs. The TCP peer, unless the peer is
 * a trusted proxy ({@code SSE_TRUSTED_PROXIES}): then the rightmost {@code X-Forwarded-For} entry
 * that is not itself a trusted proxy. Rightmost, because each proxy appends the address it saw:
 * entries to the left of the last trusted hop are whatever the client wrote, and a client that
 * prepends addresses must not pick its own identity.
 */
public final class ClientAddress {
  private static final int MAX_HOPS = 16;
  private final List<Cidr> trusted;

  public ClientAddress(List<String> trustedProxies) {
    this.trusted = trustedProxies.stream().map(Cidr::parse).toList();
  }

  /**
   * @param peer the TCP peer's address text (e.g. {@code 127.0.0.1})
   * @param forwardedFor every {@code X-Forwarded-For} header value, in order (may be empty)
   */
  public String resolve(String peer, List<String> forwardedFor) {
    if (trusted.isEmpty() || forwardedFor.isEmpty() || !isTrusted(Cidr.literal(peer))) {
      return peer;
    }
    String[] hops = String.join(",", forwardedFor).split(",");
    for (int i = hops.length - 1; i >= 0 && i >= hops.length - MAX_HOPS; i--) {
      InetAddress hop = Cidr.literal(strip(hops[i].trim()));
      if (hop == null) {
        return peer; // a proxy we trust wrote something that is not an address: do not guess
      }
      if (!isTrusted(hop)) {
        return hop.getHostAddress();
      }
    }
    return peer;
  }

  private boolean isTrusted(InetAddress address) {
    if (address == null) {
      return false;
    }
    for (Cidr c : trusted) {
      if (c.contains(address)) {
        return true;
      }
    }
    return false;
  }

  /** {@code [2001:db8::1]:443} and {@code 192.0.2.1:443} as some proxies write them: the address alone. */
  private static String strip(String hop) {
    if (hop.startsWith("[")) {
      int end = hop.indexOf(']');
      return end > 0 ? hop.substring(1, end) : hop;
    }
    int colon = hop.indexOf(':');
    if (colon > 0 && colon == hop.lastIndexOf(':')) {
      return hop.substring(0, colon);
    }
    return hop;
  }
}

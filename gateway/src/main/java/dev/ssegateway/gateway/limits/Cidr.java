package dev.ssegateway.gateway.limits;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * An address block such as {@code 10.0.0.0/8} or {@code fd00::/8} (a bare address is a block of
 * one). Parses only IP literals, never host names: a value from a header must not cause a DNS
 * lookup.
 */
public record Cidr(byte[] network, int prefix) {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

  public static Cidr parse(String text) {
    String t = text.trim();
    int slash = t.indexOf('/');
    InetAddress address = literal(slash < 0 ? t : t.substring(0, slash));
    if (address == null) {
      throw new IllegalArgumentException("not an IP address block: '" + text + "'");
    }
    int bits = address.getAddress().length * 8;
    int prefix = bits;
    if (slash >= 0) {
      try {
        prefix = Integer.parseInt(t.substring(slash + 1));
      } catch (NumberFormatException e) {
        prefix = -1;
      }
      if (prefix < 0 || prefix > bits) {
        throw new IllegalArgumentException("bad prefix length in '" + text + "'");
      }
    }
    return new Cidr(address.getAddress(), prefix);
  }

  /** The address an IP literal names, or null when {@code text} is not one (no DNS lookup). */
  public static InetAddress literal(String text) {
    if (text == null || !(IPV4.matcher(text).matches() || IPV6.matcher(text).matches())) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException | IllegalArgumentException e) {
      return null;
    }
  }

  public boolean contains(InetAddress address) {
    byte[] a = address.getAddress();
    if (a.length != network.length) {
      return false;
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (a[i] != network[i]) {
        return false;
      }
    }
    int rest = prefix % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (a[full] & mask) == (network[full] & mask);
  }
}

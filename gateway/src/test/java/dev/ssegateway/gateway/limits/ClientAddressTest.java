package dev.ssegateway.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Client address: the TCP peer, or X-Forwarded-For's rightmost untrusted hop behind a trusted proxy")
class ClientAddressTest {
  private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "127.0.0.1", "fc00::/7"));

  @Test
  @DisplayName("no trusted proxy configured: X-Forwarded-For is ignored")
  void untrustedPeer() {
    assertThat(new ClientAddress(List.of()).resolve("127.0.0.1", List.of("203.0.113.9"))).isEqualTo("127.0.0.1");
    assertThat(behindProxies.resolve("198.51.100.7", List.of("203.0.113.9"))).isEqualTo("198.51.100.7");
  }

  @Test
  @DisplayName("through trusted proxies the client is the rightmost hop that is not one; prepended hops do not count")
  void rightmostUntrusted() {
    assertThat(behindProxies.resolve("10.1.1.1", List.of("203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("1.2.3.4, 203.0.113.9, 10.2.2.2"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("1.2.3.4", "203.0.113.9"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("10.3.3.3, 10.2.2.2"))).as("all trusted: the peer").isEqualTo("10.1.1.1");
    assertThat(behindProxies.resolve("10.1.1.1", List.of())).isEqualTo("10.1.1.1");
  }

  @Test
  @DisplayName("hops with ports or brackets, IPv6 proxies; junk (a host name: never looked up) falls back to the peer")
  void formats() {
    assertThat(behindProxies.resolve("10.1.1.1", List.of("203.0.113.9:4711"))).isEqualTo("203.0.113.9");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("[2001:db8::1]:443"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(behindProxies.resolve("fd00::5", List.of("2001:db8::1"))).isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("evil.example.com"))).isEqualTo("10.1.1.1");
    assertThat(behindProxies.resolve("10.1.1.1", List.of("unknown"))).isEqualTo("10.1.1.1");
  }

  @Test
  @DisplayName("CIDR blocks: prefix lengths on byte and bit boundaries; bad blocks are refused at start")
  void cidr() {
    assertThat(Cidr.parse("172.16.0.0/12").contains(Cidr.literal("172.31.255.255"))).isTrue();
    assertThat(Cidr.parse("172.16.0.0/12").contains(Cidr.literal("172.32.0.0"))).isFalse();
    assertThat(Cidr.parse("0.0.0.0/0").contains(Cidr.literal("8.8.8.8"))).isTrue();
    assertThat(Cidr.parse("10.0.0.0/8").contains(Cidr.literal("::1"))).isFalse();
    assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Cidr.parse("proxy.internal")).isInstanceOf(IllegalArgumentException.class);
  }
}

package dev.ssegateway.loadtest.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class PayloadTest {

  @Test
  @DisplayName("a payload is padded to the requested size and parses back from bytes and from Gatling's JSON view")
  void roundTrips() {
    String p = Payload.encode(42, 1732190000123456L, 60);
    assertThat(p).hasSize(60).startsWith("s=42;t=1732190000123456;");
    byte[] b = p.getBytes(StandardCharsets.US_ASCII);
    long[] t = new long[1];
    assertThat(Payload.parse(b, 0, b.length, t)).isEqualTo(42);
    assertThat(t[0]).isEqualTo(1732190000123456L);
    Payload.Parsed parsed = Payload.parse("{\"id\":\"1-0\",\"data\":\"" + p + "\"}");
    assertThat(parsed.valid()).isTrue();
    assertThat(parsed.seq()).isEqualTo(42);
    assertThat(parsed.publishMicros()).isEqualTo(1732190000123456L);
  }

  @Test
  @DisplayName("data that is not a load-test payload is recognised as such")
  void rejectsOtherData() {
    byte[] b = "hello".getBytes(StandardCharsets.US_ASCII);
    assertThat(Payload.parse(b, 0, b.length, new long[1])).isEqualTo(-1);
    assertThat(Payload.parse("{\"data\":\"hello s=x\"}").valid()).isFalse();
  }
}

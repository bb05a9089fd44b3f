package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("EventId")
class EventIdTest {

  @Test
  @DisplayName("parses a Redis stream id <ms>-<seq> and prints it back unchanged")
  void parsesAndPrintsStreamIds() {
    assertThat(EventId.parse("1732190000000-0")).isEqualTo(new EventId(1732190000000L, 0));
    assertThat(EventId.parse("0-0")).isEqualTo(EventId.ZERO);
    assertThat(EventId.parse("1-18")).isEqualTo(new EventId(1, 18));
    assertThat(EventId.parse("1732190000000-42").toString()).isEqualTo("1732190000000-42");
  }

  @Test
  @DisplayName("accepts the largest ids a long can hold, and leading zeros up to 19 digits")
  void acceptsLargestIds() {
    assertThat(EventId.parse("9223372036854775807-9223372036854775807"))
        .isEqualTo(new EventId(Long.MAX_VALUE, Long.MAX_VALUE));
    assertThat(EventId.parse("0000000000000000001-0000000000000000002")).isEqualTo(new EventId(1, 2));
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @DisplayName("returns null, never an exception, for text that is not an id")
  @ValueSource(strings = {
      "", "-", "1", "1-", "-1", "--1", "1--2", "a-b", "1-2-3", " 1-2", "1-2 ", "1 -2", "+1-2", "1-+2",
      "-1-2", "1-2\n", "1\u0000-2", "0x1-2", "1e3-0", "1.0-0", "\uFF11-2", "\u0663-1", "1_2", "1,2",
      "garbage", "null", "\u00bd-1",
      "9223372036854775808-0", "0-9223372036854775808", "9999999999999999999-0", "99999999999999999999-0",
      "123456789012345678901-0", "0-123456789012345678901"})
  void rejectsWhatIsNotAnId(String text) {
    assertThat(EventId.parse(text)).isNull();
  }

  @Test
  @DisplayName("returns null for null and for a megabyte of digits")
  void rejectsNullAndHugeInput() {
    assertThat(EventId.parse(null)).isNull();
    assertThat(EventId.parse("1".repeat(1_000_000) + "-" + "2".repeat(1_000_000))).isNull();
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @DisplayName("rejects 20-digit numbers that overflow a long, rather than wrapping them to a small id")
  @ValueSource(strings = {
      "18446744073709551616-0",   // 2^64: wraps to 0-0 if overflow goes unnoticed
      "18446744073709551617-0",   // wraps to 1-0
      "18446744073709551625-0",   // wraps to 9-0
      "1-18446744073709551623",   // wraps to 1-7
      "18446744073709551617-18446744073709551617"})
  void rejectsOverflowingIds(String text) {
    assertThat(EventId.parse(text)).as("parse(\"%s\")", text).isNull();
  }

  @Test
  @DisplayName("orders ids by time, then by sequence, as numbers rather than as text")
  void ordersNumerically() {
    List<EventId> ids = new ArrayList<>(List.of(
        EventId.parse("10-0"), EventId.parse("2-0"), EventId.parse("1-10"), EventId.parse("1-9"),
        EventId.ZERO, EventId.parse("2-1"), EventId.parse("9223372036854775807-0")));
    Collections.shuffle(ids);
    Collections.sort(ids);
    assertThat(ids).extracting(EventId::toString)
        .containsExactly("0-0", "1-9", "1-10", "2-0", "2-1", "10-0", "9223372036854775807-0");
  }

  @Test
  @DisplayName("isAfter is strict: an id is not after itself, and everything is after ZERO")
  void isAfterIsStrict() {
    EventId a = EventId.parse("5-1");
    assertThat(a.isAfter(a)).isFalse();
    assertThat(a.isAfter(EventId.parse("5-0"))).isTrue();
    assertThat(a.isAfter(EventId.parse("4-99"))).isTrue();
    assertThat(EventId.parse("4-99").isAfter(a)).isFalse();
    assertThat(EventId.parse("0-1").isAfter(EventId.ZERO)).isTrue();
    assertThat(EventId.ZERO.isAfter(EventId.ZERO)).isFalse();
  }
}

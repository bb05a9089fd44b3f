package dev.ssegateway.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.sse.EventId;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("HistoryGap.isGap")
class HistoryGapTest {
  private static final EventId ZERO = EventId.ZERO;

  private static EventId id(String text) {
    return EventId.parse(text);
  }

  @Test
  @DisplayName("a topic without history is complete only from before its first event")
  void missingHistory() {
    assertThat(HistoryGap.isGap(ZERO, false, ZERO, ZERO)).isFalse();
    assertThat(HistoryGap.isGap(id("0-1"), false, ZERO, ZERO)).isTrue();
    assertThat(HistoryGap.isGap(id("1732190000000-0"), false, ZERO, ZERO)).isTrue();
  }

  @Test
  @DisplayName("nothing trimmed yet: every id this history issued resumes without a gap")
  void nothingTrimmed() {
    assertThat(HistoryGap.isGap(ZERO, true, id("10-0"), ZERO)).isFalse();
    assertThat(HistoryGap.isGap(id("5-0"), true, id("10-0"), ZERO)).isFalse();
    assertThat(HistoryGap.isGap(id("10-0"), true, id("10-0"), ZERO)).isFalse();
  }

  @Test
  @DisplayName("an id after the newest one ever issued is a gap: it belongs to a history that is gone")
  void idBeyondLastGenerated() {
    assertThat(HistoryGap.isGap(id("10-1"), true, id("10-0"), ZERO)).isTrue();
    assertThat(HistoryGap.isGap(id("11-0"), true, id("10-0"), id("3-0"))).isTrue();
  }

  @Test
  @DisplayName("trimmed history: a gap before the newest trimmed id, none at it or after it")
  void trimmedHistory() {
    EventId maxDeleted = id("5-0");
    assertThat(HistoryGap.isGap(ZERO, true, id("10-0"), maxDeleted)).isTrue();
    assertThat(HistoryGap.isGap(id("4-9"), true, id("10-0"), maxDeleted)).isTrue();
    assertThat(HistoryGap.isGap(id("5-0"), true, id("10-0"), maxDeleted)).as("the client saw the last trimmed event").isFalse();
    assertThat(HistoryGap.isGap(id("5-1"), true, id("10-0"), maxDeleted)).isFalse();
    assertThat(HistoryGap.isGap(id("10-0"), true, id("10-0"), maxDeleted)).isFalse();
  }

  @Test
  @DisplayName("everything trimmed up to the head: only a client at the head has no gap")
  void everythingTrimmed() {
    assertThat(HistoryGap.isGap(id("10-0"), true, id("10-0"), id("10-0"))).isFalse();
    assertThat(HistoryGap.isGap(id("9-0"), true, id("10-0"), id("10-0"))).isTrue();
  }
}

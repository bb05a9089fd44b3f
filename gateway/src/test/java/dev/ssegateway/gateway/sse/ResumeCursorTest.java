package dev.ssegateway.gateway.sse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@DisplayName("ResumeCursor")
class ResumeCursorTest {
  private static final EventId A = EventId.parse("1732190000000-0");
  private static final EventId C = EventId.parse("1732190000042-3");

  @Test
  @DisplayName("with one topic the cursor is that topic's event id, the one POST /publish returns")
  void oneTopicIsThePlainId() {
    assertThat(ResumeCursor.encode(new EventId[] {A})).isEqualTo("1732190000000-0");
    assertThat(ResumeCursor.decode("1732190000000-0", 1)).containsExactly(A);
  }

  @Test
  @DisplayName("with several topics the cursor is their positions joined by commas, 0-0 for none yet")
  void severalTopicsAreJoinedByCommas() {
    EventId[] positions = {A, EventId.ZERO, C};
    String cursor = ResumeCursor.encode(positions);
    assertThat(cursor).isEqualTo("1732190000000-0,0-0,1732190000042-3");
    assertThat(ResumeCursor.decode(cursor, 3)).containsExactly(A, EventId.ZERO, C);
  }

  @Test
  @DisplayName("decodes what it encodes for any number of topics up to 1024, even at the largest ids")
  void roundTrips() {
    for (int n : new int[] {1, 2, 16, 1024}) {
      EventId[] positions = new EventId[n];
      for (int i = 0; i < n; i++) {
        positions[i] = i % 2 == 0 ? new EventId(Long.MAX_VALUE, Long.MAX_VALUE) : new EventId(i, i * 7L);
      }
      assertThat(ResumeCursor.decode(ResumeCursor.encode(positions), n)).as("%d topics", n).containsExactly(positions);
    }
  }

  @Test
  @DisplayName("tolerates spaces around each position")
  void toleratesSpaces() {
    assertThat(ResumeCursor.decode(" 1732190000000-0 , 0-0", 2)).containsExactly(A, EventId.ZERO);
  }

  @Test
  @DisplayName("returns null when the number of positions does not match the connection's topics")
  void rejectsWrongCount() {
    assertThat(ResumeCursor.decode("1-0,2-0", 1)).isNull();
    assertThat(ResumeCursor.decode("1-0,2-0", 3)).isNull();
    assertThat(ResumeCursor.decode("1-0", 2)).isNull();
  }

  @ParameterizedTest(name = "[{index}] \"{0}\"")
  @DisplayName("returns null, never an exception, for hostile or broken cursors of two topics")
  @ValueSource(strings = {"", ",", "1-0,", ",1-0", "1-0,,2-0", "1-0;2-0", "1-0,x", "a,b", "1-0,2-0,",
      "1-0,-1", "1-0,2", "\u0000,\u0000", "1-0,2-0,3-0", "1-0\u00002-0"})
  void rejectsBrokenCursors(String text) {
    assertThat(ResumeCursor.decode(text, 2)).isNull();
  }

  @Test
  @DisplayName("returns null for null and refuses a cursor longer than the topics could need before splitting it")
  void rejectsNullAndOverlong() {
    assertThat(ResumeCursor.decode(null, 1)).isNull();
    assertThat(ResumeCursor.decode("1-0," .repeat(100_000) + "1-0", 2)).isNull();
    assertThat(ResumeCursor.decode("1".repeat(43) + "-0", 1)).isNull();
  }
}

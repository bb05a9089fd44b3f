package dev.ssegateway.loadtest.core;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamLedgerTest {

  @Test
  @DisplayName("in-order delivery counts every event once, with no duplicate and no gap")
  void inOrder() {
    StreamLedger l = new StreamLedger(0);
    for (long s = 1; s <= 1000; s++) {
      assertThat(l.accept(s)).isTrue();
    }
    assertThat(l.accepted()).isEqualTo(1000);
    assertThat(l.duplicates()).isZero();
    assertThat(l.gaps()).isZero();
    assertThat(l.outOfOrder()).isZero();
  }

  @Test
  @DisplayName("a reordered event inside the window is a late first delivery, a repeated one a duplicate")
  void reorderedAndDuplicated() {
    StreamLedger l = new StreamLedger(0);
    assertThat(l.accept(2)).isTrue();
    assertThat(l.gaps()).isEqualTo(1);
    assertThat(l.accept(1)).isTrue();
    assertThat(l.accept(1)).isFalse();
    assertThat(l.accept(2)).isFalse();
    assertThat(l.accept(3)).isTrue();
    assertThat(l.accepted()).isEqualTo(3);
    assertThat(l.duplicates()).isEqualTo(2);
    assertThat(l.outOfOrder()).isEqualTo(1);
    assertThat(l.gaps()).isZero();
  }

  @Test
  @DisplayName("the window slides across jumps of exactly its width and more")
  void windowEdges() {
    int w = StreamLedger.WINDOW;
    StreamLedger l = new StreamLedger(0);
    l.accept(1);
    l.accept(1 + w); // jump of the width: 1 falls out of the window
    assertThat(l.accept(1)).isFalse();
    assertThat(l.accept(2)).isTrue();
    assertThat(l.accept(2)).isFalse();
    l.accept(10 * w); // jump past the window
    assertThat(l.accept(10 * w - 1)).isTrue();
    assertThat(l.accept(100)).isFalse(); // too old to tell: never counted as a delivery
    assertThat(l.tooOld()).isEqualTo(2);
    assertThat(l.outOfOrder()).isEqualTo(2);
  }
}

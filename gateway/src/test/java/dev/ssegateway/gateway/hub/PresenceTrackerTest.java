package dev.ssegateway.gateway.hub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.cluster.PresenceEntry;
import dev.ssegateway.gateway.cluster.PresenceEvent;
import dev.ssegateway.gateway.cluster.PresenceList;
import dev.ssegateway.gateway.cluster.PresenceSlice;
import dev.ssegateway.gateway.cluster.memory.MemoryPresence;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("A node's presence bookkeeping: caps, coalescing, per-second budget (memory presence)")
class PresenceTrackerTest {
  private static final String[] T = {"t"};
  private final MemoryPresence presence = new MemoryPresence("n1");
  private final List<PresenceEvent> announced = new CopyOnWriteArrayList<>();

  {
    presence.onEvents(announced::addAll);
  }

  private PresenceSlice slice() {
    List<PresenceSlice> slices = presence.slices("t").result();
    return slices.isEmpty() ? null : slices.get(0);
  }

  @Test
  @DisplayName("lists the oldest identified connections up to the cap, counts the rest and the anonymous ones")
  void listCapAndPromotion() {
    PresenceTracker tracker = new PresenceTracker(presence, "n1", 2, 100);
    long a = tracker.join(T, "a", 1);
    tracker.join(T, "b", 2);
    tracker.join(T, "c", 3);
    tracker.join(T, null, 4);
    tracker.flush(10_000, false);
    assertThat(slice().count()).isEqualTo(4);
    assertThat(slice().anonymous()).isEqualTo(1);
    assertThat(slice().listed()).extracting(PresenceEntry::sub).containsExactly("a", "b");
    assertThat(announced).extracting(PresenceEvent::sub).containsExactly("a", "b", "c");

    tracker.leave(a, T, "a");
    tracker.flush(10_100, false);
    assertThat(slice().listed()).extracting(PresenceEntry::sub).as("c moves up").containsExactly("b", "c");
  }

  @Test
  @DisplayName("a join and a leave within one flush cancel out; an emptied topic's share is removed")
  void coalescing() {
    PresenceTracker tracker = new PresenceTracker(presence, "n1", 10, 100);
    long a = tracker.join(T, "a", 1);
    tracker.leave(a, T, "a");
    long b = tracker.join(T, "b", 2);
    tracker.flush(10_000, false);
    assertThat(announced).extracting(PresenceEvent::sub).containsExactly("b");
    tracker.leave(b, T, "b");
    tracker.flush(10_100, false);
    assertThat(announced).extracting(PresenceEvent::action).containsExactly("join", "leave");
    assertThat(slice()).isNull();
    assertThat(tracker.topicCount()).isZero();
  }

  @Test
  @DisplayName("at most eventsPerSecond events per topic leave each second; the rest are dropped and counted")
  void perSecondBudget() {
    PresenceTracker tracker = new PresenceTracker(presence, "n1", 10, 2);
    for (int i = 0; i < 5; i++) {
      tracker.join(T, "u" + i, i);
    }
    tracker.flush(10_000, false);
    tracker.join(T, "late", 6);
    tracker.flush(10_500, false); // same second: budget spent
    assertThat(announced).hasSize(2);
    assertThat(tracker.droppedEvents()).isEqualTo(4);
    tracker.join(T, "next", 7);
    tracker.flush(11_000, false);
    assertThat(announced).extracting(PresenceEvent::sub).containsExactly("u0", "u1", "next");
    assertThat(slice().count()).as("counts are never capped").isEqualTo(7);
  }

  @Test
  @DisplayName("0 events per second sends none")
  void noEvents() {
    PresenceTracker tracker = new PresenceTracker(presence, "n1", 10, 0);
    tracker.join(T, "a", 1);
    tracker.flush(10_000, false);
    assertThat(announced).isEmpty();
    assertThat(slice().listed()).hasSize(1);
  }

  @Test
  @DisplayName("pages merge the nodes oldest first, with the counts on every page")
  void paging() {
    List<PresenceSlice> slices = List.of(
        new PresenceSlice("n1", 5, 1, List.of(new PresenceEntry("a", "n1", 1), new PresenceEntry("c", "n1", 3))),
        new PresenceSlice("n2", 2, 0, List.of(new PresenceEntry("b", "n2", 2), new PresenceEntry("d", "n2", 4))));
    JsonObject first = PresenceList.page("t", slices, 0, 3);
    assertThat(first.getJsonArray("entries").stream().map(o -> ((JsonObject) o).getString("sub")).toList())
        .containsExactly("a", "b", "c");
    assertThat(first.getInteger("nextOffset")).isEqualTo(3);
    assertThat(first.getInteger("total")).isEqualTo(7);
    assertThat(first.getInteger("unlisted")).isEqualTo(2);
    JsonObject last = PresenceList.page("t", slices, 3, 3);
    assertThat(last.getJsonArray("entries")).hasSize(1);
    assertThat(last.getValue("nextOffset")).isNull();
    assertThat(PresenceList.page("t", slices, 100, 3).getJsonArray("entries")).isEmpty();
  }

  @Test
  @DisplayName("a topic with 100k identified subscribers on one node: counted in full, its share stays at the cap")
  void hundredThousandSubscribers() {
    PresenceTracker tracker = new PresenceTracker(presence, "n1", 1000, 50);
    int n = 100_000;
    long[] ids = new long[n];
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      ids[i] = tracker.join(T, "user-" + i, i);
    }
    long joined = System.nanoTime();
    tracker.flush(10_000, false);
    long flushed = System.nanoTime();
    PresenceSlice s = slice();
    int bytes = s.encode().length();
    for (int i = 0; i < n / 2; i++) {
      tracker.leave(ids[i], T, "user-" + i);
    }
    long left = System.nanoTime();
    tracker.flush(11_000, false);
    System.out.printf("presence tracker: %d joins %.0f ns each, flush %.1f ms, share %d entries / %d bytes,"
            + " %d leaves %.0f ns each, events sent %d, dropped %d%n",
        n, (joined - t0) / (double) n, (flushed - joined) / 1e6, s.listed().size(), bytes,
        n / 2, (left - flushed) / (double) (n / 2), announced.size(), tracker.droppedEvents());
    assertThat(s.count()).isEqualTo(n);
    assertThat(s.listed()).hasSize(1000);
    assertThat(slice().count()).isEqualTo(n / 2);
    assertThat(slice().listed().get(0).sub()).isEqualTo("user-" + n / 2);
    assertThat(announced).hasSize(100);
  }
}

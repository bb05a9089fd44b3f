package dev.ssegateway.gateway.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ssegateway.gateway.sse.EventId;
import dev.ssegateway.gateway.testing.Gateways;
import dev.ssegateway.publisher.Idempotency;
import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.PublishBatch;
import dev.ssegateway.publisher.PublishedIds;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Broker} must do, whatever moves its events. Each implementation runs this
 * suite through a subclass that says how to build one.
 */
abstract class BrokerContractTest {
  private final List<Broker> started = new ArrayList<>();
  protected final Recorder recorder = new Recorder();

  /** A started-to-be broker keeping {@code historySize} events per topic, at most {@code maxAgeMs} old (0 = no age bound). */
  protected abstract Broker create(int historySize, long maxAgeMs);

  protected Broker broker(int historySize, long maxAgeMs) {
    Broker b = create(historySize, maxAgeMs);
    started.add(b);
    Gateways.await(b.start(recorder));
    return b;
  }

  protected Broker broker() {
    return broker(1000, 0);
  }

  @AfterEach
  void closeBrokers() {
    started.forEach(b -> Gateways.await(b.close()));
  }

  /** A topic no other test has used. */
  protected static String topic() {
    return "contract-" + UUID.randomUUID();
  }

  protected static EventId publish(Broker b, String topic, String data) {
    return EventId.parse(Gateways.await(b.publish(PublishRequest.of(topic, null, data))));
  }

  private static List<EventId> publishAll(Broker b, String topic, int count) {
    List<EventId> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(publish(b, topic, "e" + i));
    }
    return ids;
  }

  private static HistoryPage read(Broker b, String topic, EventId after, int limit) {
    return Gateways.await(b.readAfter(topic, after, limit));
  }

  private static List<String> data(HistoryPage page) {
    return page.events().stream().map(WireMessage::data).toList();
  }

  @Test
  @DisplayName("publish returns ids that increase with every event of a topic")
  void publishReturnsIncreasingIds() {
    Broker b = broker();
    String topic = topic();
    List<EventId> ids = publishAll(b, topic, 50);
    for (int i = 1; i < ids.size(); i++) {
      assertThat(ids.get(i).isAfter(ids.get(i - 1))).as("%s after %s", ids.get(i), ids.get(i - 1)).isTrue();
    }
    assertThat(ids.get(0).isAfter(EventId.ZERO)).isTrue();
  }

  @Test
  @DisplayName("after subscribe, every publish reaches the listener in order, with its id and all its fields")
  void subscribedTopicIsDeliveredInOrder() {
    Broker b = broker();
    String topic = topic();
    String other = topic();
    Gateways.await(b.subscribe(topic));
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      ids.add(Gateways.await(b.publish(PublishRequest.of(topic, null, "e" + i))));
    }
    publish(b, other, "not subscribed");
    String lastId = Gateways.await(b.publish(
        new PublishRequest(topic, "done", "line 1\nline 2\r\n你好 😀", 1500, true)));
    ids.add(lastId);

    recorder.await(m -> m.size() >= 31);
    assertThat(recorder.topics()).containsOnly(topic);
    assertThat(recorder.messages()).extracting(WireMessage::id).containsExactlyElementsOf(ids);
    WireMessage last = recorder.messages().get(30);
    assertThat(last.event()).isEqualTo("done");
    assertThat(last.data()).isEqualTo("line 1\nline 2\r\n你好 😀");
    assertThat(last.retryMs()).isEqualTo(1500);
    assertThat(last.close()).isTrue();
    assertThat(recorder.messages().get(0).event()).isNull();
    assertThat(recorder.messages().get(0).close()).isFalse();
  }

  @Test
  @DisplayName("readAfter(null) returns the head and no events: where a new subscriber starts")
  void readAfterNullReturnsHead() {
    Broker b = broker();
    String topic = topic();
    List<EventId> ids = publishAll(b, topic, 3);
    HistoryPage page = read(b, topic, null, 0);
    assertThat(page.events()).isEmpty();
    assertThat(page.head()).isEqualTo(ids.get(2));
    assertThat(page.gap()).isFalse();
    assertThat(page.more()).isFalse();
    assertThat(page.oldestKept()).isEqualTo(ids.get(0));
    assertThat(page.headIsClose()).isFalse();
  }

  @Test
  @DisplayName("readAfter(id) returns the later events oldest first, with their fields")
  void readAfterReturnsLaterEvents() {
    Broker b = broker();
    String topic = topic();
    List<EventId> ids = publishAll(b, topic, 5);
    HistoryPage page = read(b, topic, ids.get(1), 100);
    assertThat(data(page)).containsExactly("e2", "e3", "e4");
    assertThat(page.events()).extracting(WireMessage::id)
        .containsExactly(ids.get(2).toString(), ids.get(3).toString(), ids.get(4).toString());
    assertThat(page.gap()).isFalse();
    assertThat(page.more()).isFalse();
    assertThat(page.head()).isEqualTo(ids.get(4));
    assertThat(read(b, topic, EventId.ZERO, 100).events()).hasSize(5);
    assertThat(read(b, topic, ids.get(4), 100).events()).isEmpty();
  }

  @Test
  @DisplayName("readAfter pages with more=true until the last page, which says more=false")
  void readAfterPages() {
    Broker b = broker();
    String topic = topic();
    publishAll(b, topic, 7);
    List<String> all = new ArrayList<>();
    List<Boolean> mores = new ArrayList<>();
    EventId after = EventId.ZERO;
    for (int round = 0; round < 10; round++) {
      HistoryPage page = read(b, topic, after, 3);
      all.addAll(data(page));
      mores.add(page.more());
      if (!page.more()) {
        break;
      }
      after = EventId.parse(page.events().get(page.events().size() - 1).id());
    }
    assertThat(all).containsExactly("e0", "e1", "e2", "e3", "e4", "e5", "e6");
    assertThat(mores).containsExactly(true, true, false);
  }

  @Test
  @DisplayName("a page that ends exactly at the head says more=false")
  void pageEndingAtHeadSaysNoMore() {
    Broker b = broker();
    String topic = topic();
    publishAll(b, topic, 4);
    HistoryPage page = read(b, topic, EventId.ZERO, 4);
    assertThat(data(page)).containsExactly("e0", "e1", "e2", "e3");
    assertThat(page.more()).as("nothing follows the 4th of 4 events").isFalse();
  }

  @Test
  @DisplayName("history trimmed by size: a gap before the newest trimmed id, none at it or after it")
  void sizeTrimmingGivesGapsOnlyBeforeTheTrim() {
    Broker b = broker(3, 0);
    String topic = topic();
    List<EventId> ids = publishAll(b, topic, 5); // e0 and e1 trimmed; e1 is the newest trimmed

    HistoryPage fromStart = read(b, topic, EventId.ZERO, 100);
    assertThat(fromStart.gap()).isTrue();
    assertThat(data(fromStart)).containsExactly("e2", "e3", "e4");
    assertThat(fromStart.oldestKept()).isEqualTo(ids.get(2));

    HistoryPage beforeTrim = read(b, topic, ids.get(0), 100);
    assertThat(beforeTrim.gap()).isTrue();
    assertThat(data(beforeTrim)).containsExactly("e2", "e3", "e4");

    HistoryPage atTrim = read(b, topic, ids.get(1), 100);
    assertThat(atTrim.gap()).as("the client saw the newest trimmed event: nothing is lost").isFalse();
    assertThat(data(atTrim)).containsExactly("e2", "e3", "e4");

    HistoryPage afterTrim = read(b, topic, ids.get(2), 100);
    assertThat(afterTrim.gap()).isFalse();
    assertThat(data(afterTrim)).containsExactly("e3", "e4");
  }

  @Test
  @DisplayName("history trimmed by age: old events go, the newest stays, and resuming before them is a gap")
  void ageTrimming() throws InterruptedException {
    Broker b = broker(1000, 300);
    String topic = topic();
    EventId old = publish(b, topic, "old");
    Thread.sleep(450);
    EventId fresh = publish(b, topic, "fresh");

    HistoryPage fromStart = read(b, topic, EventId.ZERO, 100);
    assertThat(data(fromStart)).containsExactly("fresh");
    assertThat(fromStart.gap()).isTrue();
    assertThat(fromStart.oldestKept()).isEqualTo(fresh);

    HistoryPage fromOld = read(b, topic, old, 100);
    assertThat(fromOld.gap()).as("the client saw the trimmed event itself").isFalse();
    assertThat(data(fromOld)).containsExactly("fresh");

    Thread.sleep(450);
    HistoryPage later = read(b, topic, old, 100);
    assertThat(data(later)).as("the newest event carries the head and is never trimmed").containsExactly("fresh");
    assertThat(later.head()).isEqualTo(fresh);
    assertThat(read(b, topic, null, 0).oldestKept()).isEqualTo(fresh);
  }

  @Test
  @DisplayName("an id beyond the newest one ever issued is a gap")
  void unknownIdIsAGap() {
    Broker b = broker();
    String topic = topic();
    EventId last = publishAll(b, topic, 2).get(1);
    HistoryPage page = read(b, topic, new EventId(last.ms() + 60_000, 0), 100);
    assertThat(page.gap()).isTrue();
    assertThat(page.events()).isEmpty();
    assertThat(read(b, topic, new EventId(last.ms(), last.seq() + 1), 100).gap()).isTrue();
  }

  @Test
  @DisplayName("a topic without history: from ZERO nothing is lost, from any other id there is a gap")
  void topicWithoutHistory() {
    Broker b = broker();
    String topic = topic();
    HistoryPage fromZero = read(b, topic, EventId.ZERO, 100);
    assertThat(fromZero.gap()).isFalse();
    assertThat(fromZero.events()).isEmpty();
    assertThat(fromZero.head()).isEqualTo(EventId.ZERO);
    assertThat(fromZero.oldestKept()).isNull();
    assertThat(fromZero.more()).isFalse();

    HistoryPage head = read(b, topic, null, 0);
    assertThat(head.head()).isEqualTo(EventId.ZERO);
    assertThat(head.gap()).isFalse();

    assertThat(read(b, topic, EventId.parse("1732190000000-0"), 100).gap()).isTrue();
  }

  @Test
  @DisplayName("headIsClose is true while the newest event is a close event, and only then")
  void headIsCloseFollowsTheNewestEvent() {
    Broker b = broker();
    String topic = topic();
    publish(b, topic, "progress");
    assertThat(read(b, topic, null, 0).headIsClose()).isFalse();
    String closeId = Gateways.await(b.publish(PublishRequest.of(topic, "done", "100%").withClose(true)));
    HistoryPage page = read(b, topic, null, 0);
    assertThat(page.headIsClose()).isTrue();
    assertThat(page.head().toString()).isEqualTo(closeId);
    assertThat(read(b, topic, EventId.ZERO, 100).headIsClose()).isTrue();
    publish(b, topic, "restarted");
    assertThat(read(b, topic, null, 0).headIsClose()).isFalse();
  }

  @Test
  @DisplayName("after unsubscribe nothing more is delivered; subscribing again resumes delivery")
  void unsubscribeStopsDelivery() throws InterruptedException {
    Broker b = broker();
    String topic = topic();
    Gateways.await(b.subscribe(topic));
    publish(b, topic, "before");
    recorder.await(m -> m.size() == 1);
    Gateways.await(b.unsubscribe(topic));
    publish(b, topic, "while unsubscribed");
    Thread.sleep(300);
    Gateways.await(b.subscribe(topic));
    publish(b, topic, "after");
    recorder.await(m -> m.size() >= 2);
    Thread.sleep(100);
    assertThat(recorder.messages()).extracting(WireMessage::data).containsExactly("before", "after");
  }

  @Test
  @DisplayName("refuses an invalid topic, event name or retry with InvalidInputException, storing nothing")
  void refusesInvalidInput() {
    Broker b = broker();
    String topic = topic();
    assertThatThrownBy(() -> Gateways.await(b.publish(PublishRequest.of("bad topic", null, "x"))))
        .hasRootCauseInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Gateways.await(b.publish(PublishRequest.of(topic, "a\nb", "x"))))
        .hasRootCauseInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Gateways.await(b.publish(PublishRequest.of(topic, "sse-x", "x"))))
        .hasRootCauseInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> Gateways.await(b.publish(PublishRequest.of(topic, null, "x").withRetryMs(-1))))
        .hasRootCauseInstanceOf(InvalidInputException.class);
    assertThat(read(b, topic, null, 0).head()).isEqualTo(EventId.ZERO);
  }

  /** A listener that records what it receives, from any thread. */
  private static PublishBatch batch(String topic, String... data) {
    List<PublishRequest> events = new ArrayList<>();
    for (String d : data) {
      events.add(PublishRequest.of(topic, null, d));
    }
    return new PublishBatch(events, true);
  }

  private static Idempotency idempotency(String key, PublishBatch batch) {
    return Idempotency.of("contract", key, batch, 60_000);
  }

  @Test
  @DisplayName("publishBatch appends every event in order, with increasing ids, and delivers them live in order")
  void batchAppendsInOrder() {
    Broker b = broker();
    String topic = topic();
    Gateways.await(b.subscribe(topic));
    PublishedIds published = Gateways.await(b.publishBatch(batch(topic, "a", "b", "c").events(), null));
    assertThat(published.replayed()).isFalse();
    List<EventId> ids = published.ids().stream().map(EventId::parse).toList();
    assertThat(ids).hasSize(3);
    assertThat(ids.get(1).isAfter(ids.get(0)) && ids.get(2).isAfter(ids.get(1))).isTrue();
    assertThat(data(read(b, topic, EventId.ZERO, 10))).containsExactly("a", "b", "c");
    recorder.await(m -> m.size() >= 3);
    assertThat(recorder.messages()).extracting(WireMessage::id).containsExactlyElementsOf(published.ids());
  }

  @Test
  @DisplayName("a batch with one invalid event publishes none of them")
  void batchIsAllOrNothing() {
    Broker b = broker();
    String topic = topic();
    List<PublishRequest> events = List.of(PublishRequest.of(topic, null, "ok"), PublishRequest.of(topic, "sse-x", "bad"));
    assertThatThrownBy(() -> Gateways.await(b.publishBatch(events, null))).hasRootCauseInstanceOf(InvalidInputException.class);
    HistoryPage page = read(b, topic, EventId.ZERO, 10);
    assertThat(page.events()).isEmpty();
    assertThat(page.head()).isEqualTo(EventId.ZERO);
  }

  @Test
  @DisplayName("a batch larger than the history keeps its newest events, and reading from before it says gap")
  void batchLargerThanHistoryTrims() {
    Broker b = broker(3, 0);
    String topic = topic();
    EventId before = publish(b, topic, "before");
    PublishedIds published = Gateways.await(b.publishBatch(batch(topic, "1", "2", "3", "4", "5").events(), null));
    HistoryPage page = read(b, topic, before, 10);
    assertThat(page.gap()).isTrue();
    assertThat(data(page)).containsExactly("3", "4", "5");
    HistoryPage fromSecond = read(b, topic, EventId.parse(published.ids().get(1)), 10);
    assertThat(fromSecond.gap()).as("everything after the 2nd is kept").isFalse();
  }

  @Test
  @DisplayName("with an idempotency record the same call again returns the first call's ids and publishes nothing")
  void idempotentBatchReplays() {
    Broker b = broker();
    String topic = topic();
    PublishBatch batch = batch(topic, "x", "y");
    Idempotency idem = idempotency("key-1", batch);
    PublishedIds first = Gateways.await(b.publishBatch(batch.events(), idem));
    PublishedIds again = Gateways.await(b.publishBatch(batch.events(), idem));
    assertThat(first.replayed()).isFalse();
    assertThat(again.replayed()).isTrue();
    assertThat(again.ids()).isEqualTo(first.ids());
    assertThat(data(read(b, topic, EventId.ZERO, 10))).containsExactly("x", "y");
  }

  @Test
  @DisplayName("the same record with another body is refused with 422 idempotency_key_reused, nothing published")
  void reusedRecordIsRefused() {
    Broker b = broker();
    String topic = topic();
    PublishBatch first = batch(topic, "x");
    Gateways.await(b.publishBatch(first.events(), idempotency("key-2", first)));
    PublishBatch other = batch(topic, "not x");
    assertThatThrownBy(() -> Gateways.await(b.publishBatch(other.events(), idempotency("key-2", other))))
        .hasRootCauseInstanceOf(InvalidInputException.class)
        .rootCause().hasMessageContaining("different request body")
        .satisfies(e -> assertThat(((InvalidInputException) e).status()).isEqualTo(422));
    assertThat(data(read(b, topic, EventId.ZERO, 10))).containsExactly("x");
  }

  @Test
  @DisplayName("twenty racing calls with one record publish once and all get the same ids")
  void racingRetriesPublishOnce() {
    Broker b = broker();
    String topic = topic();
    PublishBatch batch = batch(topic, "once", "only");
    Idempotency idem = idempotency("key-3", batch);
    List<io.vertx.core.Future<PublishedIds>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(b.publishBatch(batch.events(), idem));
    }
    List<List<String>> ids = calls.stream().map(f -> Gateways.await(f).ids()).distinct().toList();
    assertThat(ids).hasSize(1);
    assertThat(calls.stream().filter(f -> !Gateways.await(f).replayed()).count()).isEqualTo(1);
    assertThat(data(read(b, topic, EventId.ZERO, 10))).containsExactly("once", "only");
  }

  @Test
  @DisplayName("claimIdempotencyKey: a new key and a retry pass, the key with another fingerprint is 422")
  void claimIdempotencyKey() {
    Broker b = broker();
    PublishBatch one = batch(topic(), "1");
    PublishBatch two = batch(topic(), "2");
    Gateways.await(b.claimIdempotencyKey(idempotency("key-4", one)));
    Gateways.await(b.claimIdempotencyKey(idempotency("key-4", one)));
    assertThatThrownBy(() -> Gateways.await(b.claimIdempotencyKey(idempotency("key-4", two))))
        .hasRootCauseInstanceOf(InvalidInputException.class);
    Gateways.await(b.claimIdempotencyKey(idempotency("key-5", two)));
  }

  protected static final class Recorder implements BrokerListener {
    private final List<String> topics = new CopyOnWriteArrayList<>();
    private final List<WireMessage> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onMessage(String topic, WireMessage message) {
      topics.add(topic);
      messages.add(message);
    }

    @Override
    public void onResubscribed() {}

    List<WireMessage> messages() {
      return new ArrayList<>(messages);
    }

    List<String> topics() {
      return new ArrayList<>(topics);
    }

    void await(Predicate<List<WireMessage>> condition) {
      long end = System.currentTimeMillis() + 10_000;
      while (!condition.test(messages())) {
        if (System.currentTimeMillis() > end) {
          throw new AssertionError("Timed out; received " + messages());
        }
        try {
          Thread.sleep(10);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
    }
  }
}

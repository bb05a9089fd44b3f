package dev.ssegateway.gateway.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ssegateway.gateway.testing.Http;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What {@code GET /history} answers, whatever the broker: one suite, run by a subclass per broker
 * against a real node (memory broker, real redis-server). Each node keeps 5 events per topic.
 */
abstract class HistoryApiContract {
  static final int HISTORY_SIZE = 5;

  /** The HTTP port of a started node that keeps {@link #HISTORY_SIZE} events per topic. */
  protected abstract int port();

  static String topic() {
    return "history-" + UUID.randomUUID();
  }

  String publish(String topic, JsonObject event) {
    HttpResponse<String> r = Http.publish(port(), event.put("topic", topic).encode());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body()).getString("id");
  }

  List<String> publishAll(String topic, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(publish(topic, new JsonObject().put("data", "e" + i)));
    }
    return ids;
  }

  HttpResponse<String> get(String query) {
    return Http.get(port(), "/history?" + query);
  }

  JsonObject history(String query) {
    HttpResponse<String> r = get(query);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    return new JsonObject(r.body());
  }

  static List<String> ids(JsonObject page) {
    return page.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("id")).toList();
  }

  static String q(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  @DisplayName("returns the kept events oldest first, every field as published, and the topic's head")
  void returnsKeptEventsWithTheirFields() {
    String topic = topic();
    String a = publish(topic, new JsonObject().put("data", "plain"));
    String b = publish(topic, new JsonObject().put("event", "created").put("data", new JsonObject().put("id", 42))
        .put("retry", 5000));
    String c = publish(topic, new JsonObject().put("data", "line 1\nline 2").put("close", true));

    JsonObject page = history("topic=" + q(topic));

    assertThat(page.getString("topic")).isEqualTo(topic);
    assertThat(page.getString("after")).isEqualTo("0-0");
    assertThat(page.getBoolean("historyLost")).isFalse();
    assertThat(page.getString("oldestId")).isEqualTo(a);
    assertThat(page.getString("headId")).isEqualTo(c);
    assertThat(page.getBoolean("more")).isFalse();
    assertThat(page.getString("next")).isEqualTo(c);
    JsonArray events = page.getJsonArray("events");
    assertThat(events.getJsonObject(0)).isEqualTo(new JsonObject()
        .put("id", a).putNull("event").put("data", "plain").putNull("retry").put("close", false));
    assertThat(events.getJsonObject(1)).isEqualTo(new JsonObject()
        .put("id", b).put("event", "created").put("data", "{\"id\":42}").put("retry", 5000).put("close", false));
    assertThat(events.getJsonObject(2)).isEqualTo(new JsonObject()
        .put("id", c).putNull("event").put("data", "line 1\nline 2").putNull("retry").put("close", true));
  }

  @Test
  @DisplayName("pages with after and limit: more and next lead through the rest without gaps or repeats")
  void pagesThroughWithAfterAndLimit() {
    String topic = topic();
    List<String> ids = publishAll(topic, 5);

    JsonObject first = history("topic=" + q(topic) + "&after=" + ids.get(0) + "&limit=2");
    assertThat(ids(first)).containsExactly(ids.get(1), ids.get(2));
    assertThat(first.getBoolean("more")).isTrue();
    assertThat(first.getString("next")).isEqualTo(ids.get(2));
    assertThat(first.getBoolean("historyLost")).isFalse();

    JsonObject second = history("topic=" + q(topic) + "&after=" + first.getString("next") + "&limit=2");
    assertThat(ids(second)).containsExactly(ids.get(3), ids.get(4));
    assertThat(second.getBoolean("more")).isFalse();

    JsonObject atHead = history("topic=" + q(topic) + "&after=" + ids.get(4));
    assertThat(ids(atHead)).isEmpty();
    assertThat(atHead.getBoolean("more")).isFalse();
    assertThat(atHead.getString("next")).isEqualTo(ids.get(4));
    assertThat(atHead.getBoolean("historyLost")).isFalse();
  }

  @Test
  @DisplayName("says historyLost when events after the given id were trimmed, and returns what is kept")
  void saysHistoryLostAfterTrimming() {
    String topic = topic();
    List<String> ids = publishAll(topic, HISTORY_SIZE + 3); // the first 3 are trimmed

    JsonObject fromTrimmed = history("topic=" + q(topic) + "&after=" + ids.get(0));
    assertThat(fromTrimmed.getBoolean("historyLost")).isTrue();
    assertThat(fromTrimmed.getString("oldestId")).isEqualTo(ids.get(3));
    assertThat(ids(fromTrimmed)).containsExactlyElementsOf(ids.subList(3, ids.size()));

    JsonObject fromStart = history("topic=" + q(topic));
    assertThat(fromStart.getBoolean("historyLost")).as("events after 0-0 were trimmed").isTrue();

    // The newest id that was trimmed: everything after it is still kept.
    JsonObject fromLastTrimmed = history("topic=" + q(topic) + "&after=" + ids.get(2));
    assertThat(fromLastTrimmed.getBoolean("historyLost")).isFalse();
    assertThat(ids(fromLastTrimmed)).containsExactlyElementsOf(ids.subList(3, ids.size()));
  }

  @Test
  @DisplayName("a topic without history is complete from 0-0 and lost from any later id")
  void topicWithoutHistory() {
    String topic = topic();
    JsonObject empty = history("topic=" + q(topic));
    assertThat(ids(empty)).isEmpty();
    assertThat(empty.getBoolean("historyLost")).isFalse();
    assertThat(empty.getString("headId")).isEqualTo("0-0");
    assertThat(empty.getValue("oldestId")).isNull();

    JsonObject unknown = history("topic=" + q(topic) + "&after=1732190000000-0");
    assertThat(unknown.getBoolean("historyLost")).isTrue();
  }

  @Test
  @DisplayName("an id this history never issued (from the future) is reported as lost")
  void idFromTheFutureIsLost() {
    String topic = topic();
    publishAll(topic, 2);
    JsonObject page = history("topic=" + q(topic) + "&after=" + (System.currentTimeMillis() + 86_400_000L) + "-0");
    assertThat(page.getBoolean("historyLost")).isTrue();
    assertThat(ids(page)).isEmpty();
  }

  @Test
  @DisplayName("bad queries are 400 with a JSON error naming the problem")
  void badQueries() {
    String topic = topic();
    assertError(get(""), 400, "missing_topic");
    assertError(get("after=0-0"), 400, "missing_topic");
    assertError(get("topic=a&topic=b"), 400, "too_many_topics");
    assertError(get("topic=" + q("has space")), 400, "invalid_topic");
    assertError(get("topic=" + q(topic) + "&after=yesterday"), 400, "invalid_after");
    assertError(get("topic=" + q(topic) + "&after=-1-0"), 400, "invalid_after");
    assertError(get("topic=" + q(topic) + "&limit=0"), 400, "invalid_limit");
    assertError(get("topic=" + q(topic) + "&limit=501"), 400, "invalid_limit");
    assertError(get("topic=" + q(topic) + "&limit=ten"), 400, "invalid_limit");
  }

  @Test
  @DisplayName("limit 500 is accepted: the largest page")
  void largestLimitAccepted() {
    String topic = topic();
    publishAll(topic, 2);
    assertThat(ids(history("topic=" + q(topic) + "&limit=500"))).hasSize(2);
  }

  static void assertError(HttpResponse<String> r, int status, String code) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject body = new JsonObject(r.body());
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getString("message")).isNotBlank();
  }
}

package dev.ssegateway.publisher;

import dev.ssegateway.publisher.RedisTestClient.Subscription;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The script as a publisher in another language would run it: plain EVAL, arguments in order. */
@DisplayName("The publish script, on a real Redis")
class PublishScriptTest extends OnRealRedis {

    private static final long DAY_MS = 86_400_000L;
    private static final AtomicInteger TOPICS = new AtomicInteger();


    @Test
    @DisplayName("returns stream ids <ms>-<seq> that increase with every publish to a topic")
    void idsIncrease() {
        String topic = newTopic();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(publish(topic, "", "event " + i, "", "0", 1000, 0));
        }
        assertThat(ids).allMatch(id -> id.matches("\\d+-\\d+"));
        for (int i = 1; i < ids.size(); i++) {
            assertThat(compareIds(ids.get(i), ids.get(i - 1))).isPositive();
        }
    }

    @Test
    @DisplayName("stores the event in the topic's history as fields e, d, r and c")
    void storesTheEntry() {
        String topic = newTopic();
        String id = publish(topic, "created", "line 1\nline 2", "2500", "1", 1000, 0);
        String bare = publish(topic, "", "x", "", "0", 1000, 0);

        Map<String, Map<String, String>> history = redis.xrange(WireFormat.historyKey("sse:", topic));
        assertThat(history).containsOnlyKeys(id, bare);
        assertThat(history.get(id)).containsExactly(
                Map.entry("e", "created"), Map.entry("d", "line 1\nline 2"), Map.entry("r", "2500"), Map.entry("c", "1"));
        assertThat(WireMessage.fromStreamEntry(bare, history.get(bare)))
                .isEqualTo(new WireMessage(bare, null, "x", null, false));
    }

    @Test
    @DisplayName("keeps only the newest maxLen entries")
    void trimsBySize() {
        String topic = newTopic();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            ids.add(publish(topic, "", "event " + i, "", "0", 3, 0));
        }
        assertThat(redis.xrange(WireFormat.historyKey("sse:", topic)).keySet()).containsExactlyElementsOf(ids.subList(7, 10));
    }

    @Test
    @DisplayName("drops entries older than maxAgeMs when the next event is published")
    void trimsByAge() throws InterruptedException {
        String topic = newTopic();
        publish(topic, "", "old", "", "0", 1000, 200);
        publish(topic, "", "old too", "", "0", 1000, 200);
        Thread.sleep(300);
        String fresh = publish(topic, "", "fresh", "", "0", 1000, 200);
        assertThat(redis.xrange(WireFormat.historyKey("sse:", topic)).keySet()).containsExactly(fresh);
    }

    @Test
    @DisplayName("never drops the entry it just added, even with a 1 ms age limit")
    void keepsTheNewEntry() {
        String topic = newTopic();
        String key = WireFormat.historyKey("sse:", topic);
        for (int i = 0; i < 50; i++) {
            String id = publish(topic, "", "event " + i, "", "0", 1000, 1);
            assertThat(redis.xrange(key)).containsKey(id);
        }
    }

    @Test
    @DisplayName("lets the history expire after a day without publishes, or after maxAgeMs if longer; never with maxAgeMs 0")
    void setsAnExpiry() {
        String topic = newTopic();
        String key = WireFormat.historyKey("sse:", topic);
        publish(topic, "", "x", "", "0", 1000, 3_600_000);
        assertThat(redis.send("PTTL", key).toLong()).isBetween(DAY_MS - 60_000, DAY_MS);
        publish(topic, "", "x", "", "0", 1000, 3 * DAY_MS);
        assertThat(redis.send("PTTL", key).toLong()).isBetween(3 * DAY_MS - 60_000, 3 * DAY_MS);
        publish(topic, "", "x", "", "0", 1000, 0);
        assertThat(redis.send("PTTL", key).toLong()).as("no age limit: no expiry").isEqualTo(-1);
    }

    @Test
    @DisplayName("publishes the structured payload on the topic's channel")
    void publishesTheStructuredPayload() {
        String topic = newTopic();
        try (Subscription subscription = redis.subscribe(WireFormat.channel("sse:", topic))) {
            String id = publish(topic, "created", "a\r\nb\n\uD83D\uDE80", "100", "1", 1000, 0);
            String payload = subscription.nextPayload();
            assertThat(payload).isEqualTo("\u001E" + id + "\ncreated\n100\n1\na\r\nb\n\uD83D\uDE80");
            assertThat(WireMessage.decode(payload))
                    .isEqualTo(new WireMessage(id, "created", "a\r\nb\n\uD83D\uDE80", 100, true));
        }
    }

    @Test
    @DisplayName("publishes with SPUBLISH when asked, for sharded pub/sub")
    void publishesSharded() {
        String topic = newTopic();
        try (Subscription subscription = redis.ssubscribe(WireFormat.channel("sse:", topic))) {
            String id = publish(topic, "", "sharded", "", "0", 1000, 0, "SPUBLISH");
            assertThat(WireMessage.decode(subscription.nextPayload()).id()).isEqualTo(id);
        }
    }

    @Test
    @DisplayName("refuses invalid arguments with an error reply, writing and publishing nothing")
    void refusesInvalidArguments() {
        String topic = newTopic();
        String key = WireFormat.historyKey("sse:", topic);
        String channel = WireFormat.channel("sse:", topic);
        try (Subscription subscription = redis.subscribe(channel)) {
            assertThat(evalError(key, channel, "a\nb", "x", "", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid event");
            assertThat(evalError(key, channel, "a\rb", "x", "", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid event");
            assertThat(evalError(key, channel, "a\0b", "x", "", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid event");
            assertThat(evalError(key, channel, "sse-x", "x", "", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid event");
            assertThat(evalError(key, channel, "", "x", "soon", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid retry");
            assertThat(evalError(key, channel, "", "x", "86400001", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid retry");
            assertThat(evalError(key, channel, "", "x", " 5", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid retry");
            assertThat(evalError(key, channel, "", "x", "", "true", "10", "0", "PUBLISH")).startsWith("ERR invalid close");
            assertThat(evalError(key, channel, "", "x", "", "0", "0", "0", "PUBLISH")).startsWith("ERR invalid maxLen");
            assertThat(evalError(key, channel, "", "x", "", "0", "1e3", "0", "PUBLISH")).startsWith("ERR invalid maxLen");
            assertThat(evalError(key, channel, "", "x", "", "0", "10", "-1", "PUBLISH")).startsWith("ERR invalid maxAgeMs");
            assertThat(evalError(key, channel, "", "x", "", "0", "10", "0", "DEL")).startsWith("ERR invalid publishCommand");
            assertThat(evalError(key, "sse:{other}", "", "x", "", "0", "10", "0", "PUBLISH")).startsWith("ERR invalid channel");
            assertThat(redis.sendExpectingError("EVAL", PublishScript.source(), 1, key, channel, "", "x"))
                    .startsWith("ERR invalid arguments");

            assertThat(redis.send("EXISTS", key).toInteger()).isZero();
            publish(topic, "", "the only message", "", "0", 10, 0); // a fence: anything published before arrives first
            assertThat(WireMessage.decode(subscription.nextPayload()).data()).isEqualTo("the only message");
        }
    }

    private static String publish(String topic, String event, String data, String retry, String close,
                                  long maxLen, long maxAgeMs) {
        return publish(topic, event, data, retry, close, maxLen, maxAgeMs, "PUBLISH");
    }

    private static String publish(String topic, String event, String data, String retry, String close,
                                  long maxLen, long maxAgeMs, String command) {
        return redis.send("EVAL", PublishScript.source(), 1, WireFormat.historyKey("sse:", topic),
                WireFormat.channel("sse:", topic), event, data, retry, close, maxLen, maxAgeMs, command).toString();
    }

    private static String evalError(Object... keyAndArgs) {
        Object[] command = new Object[keyAndArgs.length + 3];
        command[0] = "EVAL";
        command[1] = PublishScript.source();
        command[2] = 1;
        System.arraycopy(keyAndArgs, 0, command, 3, keyAndArgs.length);
        return redis.sendExpectingError(command);
    }

    private static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    private static String newTopic() {
        return "script-test-" + TOPICS.incrementAndGet();
    }
}

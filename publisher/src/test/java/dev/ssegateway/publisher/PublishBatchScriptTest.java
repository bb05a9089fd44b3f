package dev.ssegateway.publisher;

import io.vertx.redis.client.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** publish-batch.lua as a publisher in another language would run it: plain EVAL, arguments in order. */
@DisplayName("The batch publish script, on a real Redis")
class PublishBatchScriptTest extends OnRealRedis {

    private static String topic() {
        return "batch-script-" + UUID.randomUUID();
    }

    /** EVAL with one key (no record) or two (with a record), events as {event, data, retry, close}. */
    private static List<Object> args(String topic, String recordId, String fingerprint, String[]... events) {
        List<Object> args = new ArrayList<>(List.of("EVAL", PublishBatchScript.source(), recordId == null ? 1 : 2,
                WireFormat.historyKey("sse:", topic)));
        if (recordId != null) {
            args.add(WireFormat.idempotencyRecordKey("sse:", topic, recordId));
        }
        args.addAll(List.of(WireFormat.channel("sse:", topic), "1000", "0", "PUBLISH",
                recordId == null ? "" : fingerprint, recordId == null ? "" : "60000", events.length));
        for (String[] e : events) {
            args.addAll(List.of((Object[]) e));
        }
        return args;
    }

    private static List<String> ids(Response r) {
        List<String> ids = new ArrayList<>();
        for (int i = 1; i < r.size(); i++) {
            ids.add(r.get(i).toString());
        }
        return ids;
    }

    @Test
    @DisplayName("appends the events in order and answers {0, ids...}")
    void appendsInOrder() {
        String topic = topic();
        Response r = redis.send(args(topic, null, null, new String[] {"", "a", "", "0"}, new String[] {"e", "b", "10", "1"})
                .toArray());
        assertThat(r.get(0).toInteger()).isZero();
        assertThat(redis.xrange(WireFormat.historyKey("sse:", topic)).keySet()).containsExactlyElementsOf(ids(r));
    }

    @Test
    @DisplayName("an invalid event anywhere in the batch writes nothing")
    void invalidEventWritesNothing() {
        String topic = topic();
        String error = redis.sendExpectingError(args(topic, null, null, new String[] {"", "a", "", "0"},
                new String[] {"sse-mine", "b", "", "0"}).toArray());
        assertThat(error).startsWith("ERR invalid event");
        assertThat(redis.send("EXISTS", WireFormat.historyKey("sse:", topic)).toInteger()).isZero();
        assertThat(redis.sendExpectingError(args(topic, null, null, new String[] {"", "a", "", "2"}).toArray()))
                .startsWith("ERR invalid close");
    }

    @Test
    @DisplayName("a record makes the same call answer {1, first ids} without writing; another fingerprint is refused")
    void recordReplaysAndRefusesReuse() {
        String topic = topic();
        Response first = redis.send(args(topic, "rec", "fp1", new String[] {"", "a", "", "0"}).toArray());
        Response again = redis.send(args(topic, "rec", "fp1", new String[] {"", "a", "", "0"}).toArray());
        assertThat(again.get(0).toInteger()).isEqualTo(1);
        assertThat(ids(again)).isEqualTo(ids(first));
        assertThat(redis.sendExpectingError(args(topic, "rec", "fp2", new String[] {"", "b", "", "0"}).toArray()))
                .startsWith("IDEMPOTENCY_KEY_REUSED");
        assertThat(redis.xrange(WireFormat.historyKey("sse:", topic))).hasSize(1);
        long ttl = redis.send("PTTL", WireFormat.idempotencyRecordKey("sse:", topic, "rec")).toLong();
        assertThat(ttl).isBetween(1L, 60_000L);
    }

    @Test
    @DisplayName("a record key outside the topic's channel is refused")
    void recordKeyMustBeTheTopics() {
        String topic = topic();
        List<Object> args = args(topic, "rec", "fp", new String[] {"", "a", "", "0"});
        args.set(4, "sse:{other}:i:rec");
        assertThat(redis.sendExpectingError(args.toArray())).startsWith("ERR invalid recordKey");
    }
}

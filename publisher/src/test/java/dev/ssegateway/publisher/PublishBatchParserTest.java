package dev.ssegateway.publisher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("Parsing a publish body that may be a batch, and its fingerprint")
class PublishBatchParserTest {

    private static PublishBatch parse(String body) {
        return PublishRequestParser.parseBatch(Buffer.buffer(body), 100, 3);
    }

    private static InvalidInputException refused(String body) {
        return (InvalidInputException) org.assertj.core.api.Assertions.catchThrowable(() -> parse(body));
    }

    @Test
    @DisplayName("an object is one event, not a batch")
    void objectIsOneEvent() {
        PublishBatch b = parse("{\"topic\":\"t\",\"data\":\"x\"}");
        assertThat(b.batch()).isFalse();
        assertThat(b.events()).containsExactly(PublishRequest.of("t", null, "x"));
    }

    @Test
    @DisplayName("an array is a batch of events in order, each read by the single-event rules")
    void arrayIsBatchInOrder() {
        PublishBatch b = parse("[{\"topic\":\"a\",\"data\":1},{\"topic\":\"b\",\"event\":\"e\",\"data\":\"y\",\"retry\":5,\"close\":true},"
                + "{\"topic\":\"a\",\"data\":{\"k\":[1.10]}}]");
        assertThat(b.batch()).isTrue();
        assertThat(b.events()).containsExactly(
                PublishRequest.of("a", null, "1"),
                new PublishRequest("b", "e", "y", 5, true),
                PublishRequest.of("a", null, "{\"k\":[1.10]}"));
        assertThat(b.byTopic().keySet()).containsExactly("a", "b");
        assertThat(b.byTopic().get("a")).hasSize(2);
    }

    @Test
    @DisplayName("an invalid event fails the whole batch, naming its index")
    void invalidEventNamesIndex() {
        InvalidInputException e = refused("[{\"topic\":\"a\",\"data\":1},{\"topic\":\"a\",\"event\":\"sse-x\",\"data\":1}]");
        assertThat(e.code()).isEqualTo("reserved_event");
        assertThat(e.getMessage()).startsWith("events[1]: ");
        assertThat(refused("[{\"topic\":\"a\",\"data\":1},{\"topic\":\"a\",\"data\":1,\"x\":2}]").code()).isEqualTo("unknown_field");
        assertThat(refused("[{\"topic\":\"a\",\"data\":\"" + "x".repeat(101) + "\"}]").status()).isEqualTo(413);
    }

    @Test
    @DisplayName("empty, too long, non-object elements and trailing content are refused")
    void malformedBatches() {
        assertThat(refused("[]").code()).isEqualTo("empty_batch");
        InvalidInputException tooMany = refused("[{\"topic\":\"a\",\"data\":1},{\"topic\":\"a\",\"data\":1},"
                + "{\"topic\":\"a\",\"data\":1},{\"topic\":\"a\",\"data\":1}]");
        assertThat(tooMany.code()).isEqualTo("batch_too_large");
        assertThat(tooMany.status()).isEqualTo(413);
        assertThat(refused("[{\"topic\":\"a\",\"data\":1}, 5]").code()).isEqualTo("invalid_json");
        assertThat(refused("[{\"topic\":\"a\",\"data\":1}] {}").code()).isEqualTo("invalid_json");
        assertThat(refused("[{\"topic\":\"a\",\"data\":1}").code()).isEqualTo("invalid_json");
        assertThat(refused("[[]]").code()).isEqualTo("invalid_json");
    }

    @Test
    @DisplayName("the single-event parser still refuses arrays")
    void singleParserRefusesArrays() {
        assertThatThrownBy(() -> PublishRequestParser.parse(Buffer.buffer("[{\"topic\":\"a\",\"data\":1}]"), 100))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("not an array");
    }

    @Test
    @DisplayName("the fingerprint depends on the events, not on spacing or field order; single and batch differ")
    void fingerprint() {
        String a = parse("[{\"topic\":\"a\",\"data\":\"x\",\"event\":\"e\"}]").fingerprint();
        String sameSpaced = parse(" [ { \"event\" : \"e\", \"topic\":\"a\", \"data\":\"x\" } ] ").fingerprint();
        assertThat(sameSpaced).isEqualTo(a);
        assertThat(parse("{\"topic\":\"a\",\"data\":\"x\",\"event\":\"e\"}").fingerprint()).isNotEqualTo(a);
        assertThat(parse("[{\"topic\":\"a\",\"data\":\"y\",\"event\":\"e\"}]").fingerprint()).isNotEqualTo(a);
        // Field boundaries are length-prefixed: moving text between fields changes the digest.
        assertThat(parse("[{\"topic\":\"a\",\"data\":\"xe\"}]").fingerprint())
                .isNotEqualTo(parse("[{\"topic\":\"a\",\"data\":\"x\",\"event\":\"e\"}]").fingerprint());
    }

    @Test
    @DisplayName("idempotency keys: 1 to 255 visible ASCII characters; records differ per scope")
    void idempotencyKeys() {
        PublishBatch b = parse("{\"topic\":\"a\",\"data\":1}");
        assertThat(Idempotency.of("alice", "k", b, 1000).recordId()).isNotEqualTo(Idempotency.of("bob", "k", b, 1000).recordId());
        Idempotency.validateKey("x".repeat(255));
        for (String bad : new String[] {"", "x".repeat(256), "has space", "tab\t", "é"}) {
            assertThatThrownBy(() -> Idempotency.validateKey(bad)).as(bad)
                    .isInstanceOf(InvalidInputException.class).hasFieldOrPropertyWithValue("code", "invalid_idempotency_key");
        }
    }
}

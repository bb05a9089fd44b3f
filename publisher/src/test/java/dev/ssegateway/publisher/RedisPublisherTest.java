package dev.ssegateway.publisher;

import dev.ssegateway.publisher.RedisTestClient.Subscription;
import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("RedisPublisher, on a real Redis")
class RedisPublisherTest extends OnRealRedis {

    private static final AtomicInteger TOPICS = new AtomicInteger();


    @Test
    @DisplayName("returns the id of the history entry it wrote")
    void returnsTheId() throws Exception {
        String topic = newTopic();
        String id = await(publisher().publish(new PublishRequest(topic, "created", "x", 1000, false)));
        Map<String, Map<String, String>> history = redis.xrange(WireFormat.historyKey("sse:", topic));
        assertThat(history).containsOnlyKeys(id);
        assertThat(WireMessage.fromStreamEntry(id, history.get(id)))
                .isEqualTo(new WireMessage(id, "created", "x", 1000, false));
    }

    @Test
    @DisplayName("loads the script with EVAL when Redis does not know it (NOSCRIPT), then uses EVALSHA")
    void fallsBackToEval() throws Exception {
        redis.send("SCRIPT", "FLUSH");
        assertThat(scriptIsLoaded()).isFalse();

        String first = await(publisher().publish(PublishRequest.of(newTopic(), null, "first")));

        assertThat(first).matches("\\d+-\\d+");
        assertThat(scriptIsLoaded()).isTrue();
        assertThat(await(publisher().publish(PublishRequest.of(newTopic(), null, "second")))).matches("\\d+-\\d+");
    }

    @Test
    @DisplayName("subscribers receive a payload that decodes to the published event")
    void subscribersGetTheEvent() throws Exception {
        String topic = newTopic();
        try (Subscription subscription = redis.subscribe(WireFormat.channel("sse:", topic))) {
            String id = await(publisher().publish(new PublishRequest(topic, "bye", "last\nwords", null, true)));
            assertThat(WireMessage.decode(subscription.nextPayload()))
                    .isEqualTo(new WireMessage(id, "bye", "last\nwords", null, true));
        }
    }

    @Test
    @DisplayName("a plain PUBLISH on a topic's channel reaches subscribers as a raw message")
    void plainPublishIsRaw() throws Exception {
        String channel = WireFormat.channel("sse:", newTopic());
        try (Subscription subscription = redis.subscribe(channel)) {
            redis.send("PUBLISH", channel, "from a shell script");
            WireMessage message = WireMessage.decode(subscription.nextPayload());
            assertThat(message).isEqualTo(WireMessage.raw("from a shell script"));
            assertThat(message.valid()).isTrue();
        }
    }

    @Test
    @DisplayName("follows its options: prefix, history size, sharded pub/sub")
    void followsItsOptions() throws Exception {
        String topic = newTopic();
        PublisherOptions options = new PublisherOptions().setPrefix("app:").setHistorySize(2).setSharded(true);
        RedisPublisher publisher = new RedisPublisher(redis.redis(), options);
        try (Subscription subscription = redis.ssubscribe(WireFormat.channel("app:", topic))) {
            for (int i = 0; i < 5; i++) {
                await(publisher.publish(PublishRequest.of(topic, null, "event " + i)));
            }
            assertThat(WireMessage.decode(subscription.nextPayload()).data()).isEqualTo("event 0");
        }
        assertThat(redis.send("XLEN", WireFormat.historyKey("app:", topic)).toInteger()).isEqualTo(2);
        assertThat(redis.send("EXISTS", WireFormat.historyKey("sse:", topic)).toInteger()).isZero();
    }

    @Test
    @DisplayName("keeps its own copy of the options")
    void copiesItsOptions() throws Exception {
        PublisherOptions options = new PublisherOptions();
        RedisPublisher publisher = new RedisPublisher(redis.redis(), options);
        options.setPrefix("changed:");
        assertThat(publisher.options().getPrefix()).isEqualTo("sse:");
    }

    @Test
    @DisplayName("fails the Future with InvalidInputException for invalid input, before touching Redis")
    void validatesFirst() throws Exception {
        RedisPublisher publisher = publisher();
        assertFailsWith(publisher.publish(PublishRequest.of("bad topic", null, "x")), 400, "invalid_topic");
        assertFailsWith(publisher.publish(PublishRequest.of("t", "sse-x", "x")), 400, "reserved_event");
        assertFailsWith(publisher.publish(PublishRequest.of("t", "a\nb", "x")), 400, "invalid_event");
        assertFailsWith(publisher.publish(PublishRequest.of("t", null, null)), 400, "missing_data");
        assertFailsWith(publisher.publish(PublishRequest.of("t", null, "x").withRetryMs(-1)), 400, "invalid_retry");
        RedisPublisher small = new RedisPublisher(redis.redis(), new PublisherOptions().setMaxDataBytes(3));
        assertFailsWith(small.publish(PublishRequest.of("t", null, "\u00e9\u00e9")), 413, "event_too_large");
        assertThat(redis.send("EXISTS", WireFormat.historyKey("sse:", "t")).toInteger()).isZero();
    }

    @Test
    @DisplayName("fails the Future with the connection error when Redis is unreachable, without retrying")
    void failsWhenRedisIsDown() throws Exception {
        RedisServer doomed = RedisServer.start();
        Redis client = Redis.createClient(vertx, doomed.url());
        try {
            doomed.stop();
            Future<String> result = new RedisPublisher(client, new PublisherOptions()).publish(PublishRequest.of("t", null, "x"));
            assertThatThrownBy(() -> await(result))
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("Connection refused");
        } finally {
            RedisTestClient.await(client.close());
        }
    }

    @Test
    @DisplayName("publishes again as soon as a restarted Redis is back, reloading the script")
    void survivesARestart() throws Exception {
        try (RedisServer restarting = RedisServer.start()) {
            Redis client = Redis.createClient(vertx, restarting.url());
            try {
                RedisPublisher publisher = new RedisPublisher(client, new PublisherOptions());
                await(publisher.publish(PublishRequest.of("t", null, "before")));
                restarting.kill();
                restarting.restart();
                // The client's pool drops connections that Redis closed, so no publish is lost to a stale one.
                String id = await(publisher.publish(PublishRequest.of("t", null, "after")));
                assertThat(id).matches("\\d+-\\d+");
            } finally {
                RedisTestClient.await(client.close());
            }
        }
    }

    private static void assertFailsWith(Future<String> result, int status, String code) {
        assertThatThrownBy(() -> await(result))
                .hasCauseInstanceOf(InvalidInputException.class)
                .satisfies(e -> {
                    InvalidInputException invalid = (InvalidInputException) e.getCause();
                    assertThat(invalid.status()).isEqualTo(status);
                    assertThat(invalid.code()).isEqualTo(code);
                });
    }

    private static boolean scriptIsLoaded() {
        return redis.send("SCRIPT", "EXISTS", PublishScript.sha1()).get(0).toInteger() == 1;
    }

    private static RedisPublisher publisher() {
        return new RedisPublisher(redis.redis(), new PublisherOptions());
    }

    private static <T> T await(Future<T> future) throws ExecutionException {
        try {
            return future.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        }
    }

    private static String newTopic() {
        return "publisher-test-" + TOPICS.incrementAndGet();
    }
}

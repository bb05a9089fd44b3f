package dev.ssegateway.publisher;

import dev.ssegateway.testkit.RedisServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@DisplayName("The blocking Publisher")
class PublisherTest extends OnRealRedis {


    @Test
    @DisplayName("connects by URL, publishes and returns the event's id")
    void publishesAndReturnsTheId() {
        try (Publisher publisher = Publisher.connect(server.url())) {
            String id = publisher.publish("orders", "created", "{\"id\":42}");
            assertThat(redis.xrange("sse:{orders}:h")).containsKey(id);
            assertThat(WireMessage.fromStreamEntry(id, redis.xrange("sse:{orders}:h").get(id)))
                    .isEqualTo(new WireMessage(id, "created", "{\"id\":42}", null, false));
        }
    }

    @Test
    @DisplayName("publishes a full request with its options")
    void publishesAFullRequest() {
        PublisherOptions options = new PublisherOptions().setPrefix("blocking:").setHistorySize(1);
        try (Publisher publisher = Publisher.connect(server.url(), options)) {
            publisher.publish("t", null, "first");
            String id = publisher.publish(new PublishRequest("t", "bye", "second", 0, true));
            assertThat(redis.xrange("blocking:{t}:h")).containsOnlyKeys(id);
        }
    }

    @Test
    @DisplayName("throws InvalidInputException, not PublishException, for input that can never work")
    void invalidInputIsThrownAsIs() {
        try (Publisher publisher = Publisher.connect(server.url())) {
            assertThatThrownBy(() -> publisher.publish("no spaces please", null, "x"))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.code()).isEqualTo("invalid_topic"));
        }
    }

    @Test
    @DisplayName("throws PublishException when Redis is unreachable")
    void unreachableRedis() {
        RedisServer doomed = RedisServer.start();
        doomed.stop();
        try (Publisher publisher = Publisher.connect(doomed.url())) {
            assertThatThrownBy(() -> publisher.publish("t", null, "x"))
                    .isInstanceOf(PublishException.class)
                    .hasMessageContaining("topic t")
                    .hasMessageContaining("Connection refused");
        }
    }

    @Test
    @DisplayName("refuses to block a Vert.x event loop")
    void refusesToBlockAnEventLoop() throws Exception {
        try (Publisher publisher = Publisher.connect(server.url())) {
            CompletableFuture<Throwable> thrown = new CompletableFuture<>();
            vertx.runOnContext(ignored -> {
                try {
                    publisher.publish("t", null, "x");
                    thrown.complete(null);
                } catch (RuntimeException e) {
                    thrown.complete(e);
                }
            });
            assertThat(thrown.get(5, TimeUnit.SECONDS))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("RedisPublisher");
        }
    }
}

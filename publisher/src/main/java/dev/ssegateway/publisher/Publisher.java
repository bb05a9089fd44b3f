package dev.ssegateway.publisher;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Blocking publisher for backend services that don't use Vert.x themselves:
 *
 * <pre>{@code
 * try (Publisher publisher = Publisher.connect("redis://127.0.0.1:6379")) {
 *     String id = publisher.publish("orders", "created", "{\"id\":42}");
 * }
 * }</pre>
 *
 * <p>Thread-safe; create one per application and share it. It owns a small Vert.x instance (one
 * event loop) and a Redis client, both closed by {@link #close()}. Code that runs on a Vert.x
 * event loop must not block: use {@link RedisPublisher} there.
 */
public final class Publisher implements AutoCloseable {

    /** How long {@link #publish} waits for Redis before giving up. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final Vertx vertx;
    private final Redis redis;
    private final RedisPublisher publisher;

    private Publisher(Vertx vertx, Redis redis, PublisherOptions options) {
        this.vertx = vertx;
        this.redis = redis;
        this.publisher = new RedisPublisher(redis, options);
    }

    /** Connects to a standalone Redis, e.g. {@code redis://:password@host:6379/0}, with default options. */
    public static Publisher connect(String redisUrl) {
        return connect(redisUrl, new PublisherOptions());
    }

    public static Publisher connect(String redisUrl, PublisherOptions options) {
        return connect(new RedisOptions().setConnectionString(redisUrl), options);
    }

    /**
     * Full control over the Redis client, e.g. {@code setType(RedisClientType.CLUSTER)} together
     * with {@link PublisherOptions#setSharded(boolean) setSharded(true)} for Redis Cluster.
     * Connections are opened lazily: an unreachable Redis shows on the first publish.
     */
    public static Publisher connect(RedisOptions redisOptions, PublisherOptions options) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            return new Publisher(vertx, Redis.createClient(vertx, redisOptions), options);
        } catch (RuntimeException e) {
            vertx.close();
            throw e;
        }
    }

    /** Publishes {@code data} as event {@code event} (null for the default) to {@code topic}; returns its id. */
    public String publish(String topic, String event, String data) {
        return publish(PublishRequest.of(topic, event, data));
    }

    /**
     * Publishes and waits up to {@link #TIMEOUT} for the event's id.
     *
     * @throws InvalidInputException if the request can never be published as given
     * @throws PublishException      if Redis failed or did not answer in time
     */
    public String publish(PublishRequest request) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("Publisher blocks; on a Vert.x event loop use RedisPublisher");
        }
        try {
            return await(publisher.publish(request));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof InvalidInputException invalid) {
                throw invalid;
            }
            throw new PublishException("Publishing to topic " + request.topic() + " failed: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new PublishException("Publishing to topic " + request.topic() + " got no answer from Redis within "
                    + TIMEOUT.toSeconds() + " s; the event may or may not have been published", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PublishException("Interrupted while publishing to topic " + request.topic(), e);
        }
    }

    @Override
    public void close() {
        try {
            // Best effort, in order: the client's connections first, then the event loop they ran on.
            await(redis.close().transform(ignored -> vertx.close()));
        } catch (ExecutionException | TimeoutException e) {
            // Closing is best effort: the event loop thread is gone or going either way.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static <T> T await(Future<T> future) throws ExecutionException, TimeoutException, InterruptedException {
        return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}

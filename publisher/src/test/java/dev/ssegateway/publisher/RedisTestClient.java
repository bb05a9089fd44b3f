package dev.ssegateway.publisher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Blocking Redis commands and subscriptions for tests, on a Vert.x Redis client. */
final class RedisTestClient implements AutoCloseable {

    static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Vertx vertx;
    private final Redis redis;

    RedisTestClient(Vertx vertx, String url) {
        this.vertx = vertx;
        this.redis = Redis.createClient(vertx, url);
    }

    Redis redis() {
        return redis;
    }

    /** Sends a command such as {@code send("XLEN", key)} and waits for its reply. */
    Response send(Object... commandAndArgs) {
        Request request = Request.cmd(Command.create((String) commandAndArgs[0]));
        for (int i = 1; i < commandAndArgs.length; i++) {
            request.arg(commandAndArgs[i].toString());
        }
        return await(redis.send(request));
    }

    /** Sends a command that must fail, and returns Redis' error message. */
    String sendExpectingError(Object... commandAndArgs) {
        Request request = Request.cmd(Command.create((String) commandAndArgs[0]));
        for (int i = 1; i < commandAndArgs.length; i++) {
            request.arg(commandAndArgs[i].toString());
        }
        try {
            Response response = redis.send(request).toCompletionStage().toCompletableFuture()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            throw new AssertionError("Expected an error reply, got " + response);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().getMessage();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A stream's entries, oldest first, as id to fields. */
    Map<String, Map<String, String>> xrange(String key) {
        Map<String, Map<String, String>> entries = new LinkedHashMap<>();
        for (Response entry : send("XRANGE", key, "-", "+")) {
            Map<String, String> fields = new LinkedHashMap<>();
            Response pairs = entry.get(1);
            for (int i = 0; i < pairs.size(); i += 2) {
                fields.put(pairs.get(i).toString(), pairs.get(i + 1).toString());
            }
            entries.put(entry.get(0).toString(), fields);
        }
        return entries;
    }

    /** Subscribes on a connection of its own, as pub/sub requires, and returns when Redis confirmed. */
    Subscription subscribe(String channel) {
        return subscribe(Command.SUBSCRIBE, "message", channel);
    }

    /** Like {@link #subscribe} for sharded pub/sub (SPUBLISH). */
    Subscription ssubscribe(String channel) {
        return subscribe(Command.SSUBSCRIBE, "smessage", channel);
    }

    private Subscription subscribe(Command command, String kind, String channel) {
        RedisConnection connection = await(redis.connect());
        BlockingQueue<String> payloads = new LinkedBlockingQueue<>();
        connection.handler(message -> {
            // [message, channel, payload] or [smessage, channel, payload], as a RESP2 array or a RESP3 push
            if (message.size() == 3 && kind.equals(message.get(0).toString())) {
                payloads.add(message.get(2).toString());
            }
        });
        await(connection.send(Request.cmd(command).arg(channel)));
        return new Subscription(connection, payloads);
    }

    static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("Redis call failed: " + e, e);
        }
    }

    @Override
    public void close() {
        await(redis.close());
    }

    /** Messages received on one channel. */
    record Subscription(RedisConnection connection, BlockingQueue<String> payloads) implements AutoCloseable {

        String nextPayload() {
            try {
                String payload = payloads.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (payload == null) {
                    throw new AssertionError("No message within " + TIMEOUT);
                }
                return payload;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }

        List<String> drain() {
            List<String> rest = new ArrayList<>();
            payloads.drainTo(rest);
            return rest;
        }

        @Override
        public void close() {
            await(connection.close());
        }
    }
}

package dev.ssegateway.publisher;

import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Base of the test classes that talk to one real redis-server, started for the class. */
abstract class OnRealRedis {

    static RedisServer server;
    static Vertx vertx;
    static RedisTestClient redis;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        redis = new RedisTestClient(vertx, server.url());
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
        RedisTestClient.await(vertx.close());
        server.close();
    }
}

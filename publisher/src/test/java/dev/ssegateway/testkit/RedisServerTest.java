package dev.ssegateway.testkit;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

@DisplayName("The RedisServer test fixture")
class RedisServerTest {

    @Test
    @DisplayName("starts a redis-server 7 that answers on its loopback URL and logs to a file")
    void startsARealServer() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            assertThat(server.isRunning()).isTrue();
            assertThat(server.answersPing()).isTrue();
            assertThat(server.url()).isEqualTo("redis://127.0.0.1:" + server.port());
            assertThat(send(server, Request.cmd(Command.INFO).arg("server")).toString()).contains("redis_version:7.");
            assertThat(Files.readString(server.logFile())).contains("Ready to accept connections");
        }
    }

    @Test
    @DisplayName("stops and restarts on the same port, empty, and stop is safe twice")
    void stopsAndRestarts() throws Exception {
        try (RedisServer server = RedisServer.start()) {
            int port = server.port();
            send(server, Request.cmd(Command.SET).arg("k").arg("v"));

            server.stop();
            server.stop();
            assertThat(server.isRunning()).isFalse();
            assertThat(server.answersPing()).isFalse();

            server.restart();
            assertThat(server.port()).isEqualTo(port);
            assertThat(server.answersPing()).isTrue();
            assertThat(send(server, Request.cmd(Command.EXISTS).arg("k")).toInteger()).isZero();
        }
    }

    @Test
    @DisplayName("can be killed like a crash, twice safely, and restarted")
    void killsAndRestarts() {
        try (RedisServer server = RedisServer.start()) {
            server.kill();
            assertThatCode(server::kill).doesNotThrowAnyException();
            assertThat(server.answersPing()).isFalse();
            server.restart();
            assertThat(server.answersPing()).isTrue();
        }
    }

    @Test
    @DisplayName("passes extra arguments to redis-server")
    void passesExtraArguments() throws Exception {
        try (RedisServer server = RedisServer.start("--maxmemory", "12mb", "--maxmemory-policy", "allkeys-lru")) {
            Response config = send(server, Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory"));
            assertThat(config.toString()).contains("12582912");
        }
    }

    @Test
    @DisplayName("closing a stopped server is harmless")
    void closeAfterStop() {
        RedisServer server = RedisServer.start();
        server.stop();
        assertThatCode(server::close).doesNotThrowAnyException();
    }

    private static Response send(RedisServer server, Request request) throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            Redis redis = Redis.createClient(vertx, server.url());
            return redis.send(request).toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        }
    }
}

package dev.ssegateway.publisher.cli;

import dev.ssegateway.testkit.RedisServer;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@DisplayName("sse-publish, run in-process against a real Redis")
class PublishCliTest {

    private static RedisServer server;
    private static Vertx vertx;
    private static Redis redis;

    @TempDir
    Path tempDir;

    @BeforeAll
    static void startRedis() {
        server = RedisServer.start();
        vertx = Vertx.vertx();
        redis = Redis.createClient(vertx, server.url());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        server.close();
    }

    @Test
    @DisplayName("publishes inline data and prints only the id on stdout")
    void publishesInlineData() throws Exception {
        Run run = run("--redis", server.url(), "--topic", "cli", "--event", "note", "--data", "hello", "--retry", "700");
        assertThat(run.status).isEqualTo(PublishCli.OK);
        assertThat(run.err).isEmpty();
        assertThat(run.out).matches("\\d+-\\d+\n");
        String id = run.out.trim();
        assertThat(entry("sse:{cli}:h", id)).isEqualTo("e=note d=hello r=700 c=0");
    }

    @Test
    @DisplayName("reads data from stdin with --data -, exactly, trailing newline included")
    void readsStdin() throws Exception {
        Run run = run(new ByteArrayInputStream("line 1\r\nline 2\n".getBytes(StandardCharsets.UTF_8)),
                "--redis", server.url(), "--topic", "cli-stdin", "--data", "-", "--close");
        assertThat(run.status).isEqualTo(PublishCli.OK);
        assertThat(entry("sse:{cli-stdin}:h", run.out.trim())).isEqualTo("e= d=line 1\r\nline 2\n r= c=1");
    }

    @Test
    @DisplayName("reads data from a UTF-8 file with --data-file")
    void readsAFile() throws Exception {
        Path file = tempDir.resolve("event.json");
        Files.writeString(file, "{\"greeting\":\"Gr\u00fc\u00df Gott \uD83D\uDC4B\"}");
        Run run = run("--redis", server.url(), "--topic", "cli-file", "--data-file", file.toString(), "--prefix", "x:");
        assertThat(run.status).isEqualTo(PublishCli.OK);
        assertThat(entry("x:{cli-file}:h", run.out.trim())).isEqualTo("e= d={\"greeting\":\"Gr\u00fc\u00df Gott \uD83D\uDC4B\"} r= c=0");
    }

    @Test
    @DisplayName("--help prints the usage on stdout and exits 0")
    void help() {
        Run run = run("--help");
        assertThat(run.status).isZero();
        assertThat(run.out).startsWith("Usage:").contains("--data-file");
    }

    @Test
    @DisplayName("a usage error exits 2 with the reason on stderr and nothing on stdout")
    void usageError() {
        Run run = run("--topic", "t");
        assertThat(run.status).isEqualTo(PublishCli.USAGE_ERROR);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("--data").contains("--help");
    }

    @Test
    @DisplayName("an invalid topic or event exits 2 with the validation message and code")
    void invalidInput() {
        Run run = run("--redis", server.url(), "--topic", "a b", "--data", "x");
        assertThat(run.status).isEqualTo(PublishCli.USAGE_ERROR);
        assertThat(run.err).contains("invalid_topic");
        assertThat(run("--redis", server.url(), "--topic", "t", "--event", "sse-x", "--data", "x").err).contains("reserved_event");
    }

    @Test
    @DisplayName("a data file that is not UTF-8 text exits 2")
    void binaryFile() throws Exception {
        Path file = tempDir.resolve("binary");
        Files.write(file, new byte[] {(byte) 0xFF, (byte) 0xFE, 0});
        Run run = run("--redis", server.url(), "--topic", "t", "--data-file", file.toString());
        assertThat(run.status).isEqualTo(PublishCli.USAGE_ERROR);
        assertThat(run.err).contains("not valid UTF-8");
    }

    @Test
    @DisplayName("a missing data file exits 2")
    void missingFile() {
        Run run = run("--redis", server.url(), "--topic", "t", "--data-file", tempDir.resolve("nope").toString());
        assertThat(run.status).isEqualTo(PublishCli.USAGE_ERROR);
        assertThat(run.err).contains("cannot read");
    }

    @Test
    @DisplayName("an unreachable Redis exits 1 with the reason on stderr")
    void unreachableRedis() {
        RedisServer doomed = RedisServer.start();
        doomed.stop();
        Run run = run("--redis", doomed.url(), "--topic", "t", "--data", "x");
        assertThat(run.status).isEqualTo(PublishCli.PUBLISH_FAILED);
        assertThat(run.out).isEmpty();
        assertThat(run.err).contains("Connection refused");
    }

    /** The entry's fields as "e=.. d=.. r=.. c=..". */
    private static String entry(String key, String id) throws Exception {
        Response entries = redis.send(Request.cmd(Command.XRANGE).arg(key).arg(id).arg(id))
                .toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertThat(entries.size()).isEqualTo(1);
        Response fields = entries.get(0).get(1);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < fields.size(); i += 2) {
            text.append(i == 0 ? "" : " ").append(fields.get(i)).append('=').append(fields.get(i + 1));
        }
        return text.toString();
    }

    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        return run(new ByteArrayInputStream(new byte[0]), args);
    }

    private static Run run(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PublishCli.run(args, stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

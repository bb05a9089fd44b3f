package dev.ssegateway.publisher.cli;

import dev.ssegateway.publisher.InvalidInputException;
import dev.ssegateway.publisher.PublishException;
import dev.ssegateway.publisher.PublishRequest;
import dev.ssegateway.publisher.Publisher;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.RedisOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code sse-publish}: publishes one event from the command line and prints its id.
 * Exit status: 0 published, 1 publishing failed (Redis), 2 usage or input error.
 */
public final class PublishCli {

    public static final int OK = 0;
    public static final int PUBLISH_FAILED = 1;
    public static final int USAGE_ERROR = 2;

    static final String USAGE = """
            Usage: java -jar sse-publish.jar --topic TOPIC (--data TEXT | --data - | --data-file FILE) [options]

            Publishes one event to an sse-gateway topic through Redis and prints the event's id.

              --redis URL[,URL...]   Redis to publish to (default: redis://127.0.0.1:6379),
                                     e.g. redis://:password@host:6379/0; with --cluster or
                                     --sentinel, a comma list of seed nodes or Sentinels
              --topic TOPIC          1 to 128 characters from A-Z a-z 0-9 . _ - : / @ = + ~
              --event NAME           SSE event name (default: the "message" event)
              --data TEXT            the event's data; '-' reads it from stdin
              --data-file FILE       read the data from FILE (UTF-8, sent exactly, trailing newline too)
              --retry MS             reconnection delay hint sent to clients with this event
              --close                end the topic's streams after this event
              --prefix PREFIX        Redis key/channel prefix (default: sse:)
              --sharded              publish with SPUBLISH (Redis Cluster sharded pub/sub)
              --cluster              connect in Redis Cluster mode (implies --sharded)
              --sentinel             --redis names Sentinels; publish to the master they report
              --master NAME          the Sentinel master's name (default: mymaster)

            History is trimmed with the deployment's policy: the gateway's SSE_HISTORY_SIZE and
            SSE_HISTORY_TTL_MS, which its nodes store in Redis (<prefix>history-policy).
              -h, --help             show this help

            Exit status: 0 published, 1 publishing failed, 2 usage or input error.
            """;

    private PublishCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.in, System.out, System.err));
    }

    /** Everything main does except exiting, so tests can run it in-process. */
    public static int run(String[] args, InputStream stdin, PrintStream out, PrintStream err) {
        CliArguments arguments;
        String data;
        try {
            arguments = CliArguments.parse(args);
            if (arguments.help()) {
                out.print(USAGE);
                return OK;
            }
            data = readData(arguments.data(), stdin);
        } catch (UsageException e) {
            err.println("sse-publish: " + e.getMessage());
            err.println("Try 'sse-publish --help'.");
            return USAGE_ERROR;
        }
        PublishRequest request = new PublishRequest(arguments.topic(), arguments.event(), data,
                arguments.retryMs(), arguments.close());
        try (Publisher publisher = Publisher.connect(redisOptions(arguments), arguments.publisherOptions())) {
            out.println(publisher.publish(request));
            return OK;
        } catch (InvalidInputException e) {
            err.println("sse-publish: " + e.getMessage() + " (" + e.code() + ")");
            return USAGE_ERROR;
        } catch (PublishException e) {
            err.println("sse-publish: " + e.getMessage());
            return PUBLISH_FAILED;
        }
    }

    static RedisOptions redisOptions(CliArguments arguments) {
        RedisOptions options = new RedisOptions();
        if (arguments.cluster()) {
            options.setType(RedisClientType.CLUSTER);
        } else if (arguments.sentinelMaster() != null) {
            options.setType(RedisClientType.SENTINEL).setMasterName(arguments.sentinelMaster()).setRole(RedisRole.MASTER);
        } else {
            return options.setConnectionString(arguments.redisUrl());
        }
        for (String url : arguments.redisUrl().split(",")) {
            if (!url.isBlank()) {
                options.addConnectionString(url.trim());
            }
        }
        return options;
    }

    private static String readData(CliArguments.DataSource source, InputStream stdin) {
        return switch (source.kind()) {
            case TEXT -> source.value();
            case STDIN -> decode(readAll(stdin, "stdin"), "stdin");
            case FILE -> decode(readAll(Path.of(source.value())), source.value());
        };
    }

    private static byte[] readAll(InputStream in, String what) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UsageException("cannot read " + what + ": " + e.getMessage());
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UsageException("cannot read " + file + ": " + e);
        }
    }

    /** Strict UTF-8, so that a binary file is refused rather than sent with U+FFFD replacements. */
    private static String decode(byte[] bytes, String what) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException(what + " is not valid UTF-8 text");
        }
    }
}

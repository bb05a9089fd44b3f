package dev.ssegateway.publisher.cli;

import dev.ssegateway.publisher.PublisherOptions;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed command line of {@code sse-publish}. Pure: reads no files and no stdin, so that
 * every rule is unit-testable; {@link PublishCli} does the I/O.
 *
 * <p>Options take their value as the next argument or after '=' ({@code --topic=orders}).
 */
public record CliArguments(
        boolean help,
        String redisUrl,
        boolean cluster,
        String sentinelMaster,
        String topic,
        String event,
        DataSource data,
        Integer retryMs,
        boolean close,
        PublisherOptions publisherOptions) {

    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";
    public static final String DEFAULT_SENTINEL_MASTER = "mymaster";

    /** Where the event's data comes from. */
    public record DataSource(Kind kind, String value) {

        public enum Kind { TEXT, FILE, STDIN }
    }

    private static final Set<String> VALUE_OPTIONS = Set.of("--redis", "--topic", "--event", "--data",
            "--data-file", "--retry", "--prefix", "--master");
    private static final Set<String> FLAGS = Set.of("--close", "--sharded", "--cluster", "--sentinel", "--help", "-h");
    /** Options that once existed: the deployment's history policy replaced them. */
    private static final Set<String> REMOVED = Set.of("--history-size", "--history-ttl-ms");

    /** @throws UsageException for anything that is not a runnable command line */
    public static CliArguments parse(String... args) {
        Map<String, String> values = new HashMap<>();
        List<String> flags = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String name = arg.startsWith("--") && equals > 0 ? arg.substring(0, equals) : arg;
            if (FLAGS.contains(name)) {
                if (!name.equals(arg)) {
                    throw new UsageException(name + " takes no value");
                }
                flags.add(name);
            } else if (VALUE_OPTIONS.contains(name)) {
                String value;
                if (!name.equals(arg)) {
                    value = arg.substring(equals + 1);
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new UsageException(name + " needs a value");
                }
                if (values.put(name, value) != null) {
                    throw new UsageException(name + " is given more than once");
                }
            } else if (REMOVED.contains(name)) {
                throw new UsageException(name + " is gone: history is trimmed with the deployment's policy, which the"
                        + " gateway's SSE_HISTORY_SIZE and SSE_HISTORY_TTL_MS set (stored in Redis at <prefix>history-policy)");
            } else if (arg.startsWith("-") && !arg.equals("-")) {
                throw new UsageException("unknown option " + name);
            } else {
                throw new UsageException("unexpected argument '" + arg + "' (values follow their option, e.g. --data TEXT)");
            }
        }
        if (flags.contains("--help") || flags.contains("-h")) {
            return new CliArguments(true, null, false, null, null, null, null, null, false, new PublisherOptions());
        }
        String topic = values.get("--topic");
        if (topic == null) {
            throw new UsageException("--topic is required");
        }
        boolean sentinel = flags.contains("--sentinel");
        if (sentinel && flags.contains("--cluster")) {
            throw new UsageException("give either --cluster or --sentinel, not both");
        }
        if (values.containsKey("--master") && !sentinel) {
            throw new UsageException("--master names the Sentinel master: it needs --sentinel");
        }
        boolean sharded = flags.contains("--sharded") || flags.contains("--cluster");
        return new CliArguments(false,
                values.getOrDefault("--redis", DEFAULT_REDIS_URL),
                flags.contains("--cluster"),
                sentinel ? values.getOrDefault("--master", DEFAULT_SENTINEL_MASTER) : null,
                topic,
                values.get("--event"),
                dataSource(values),
                values.containsKey("--retry") ? (int) number(values, "--retry", 0, Integer.MAX_VALUE) : null,
                flags.contains("--close"),
                publisherOptions(values, sharded));
    }

    private static DataSource dataSource(Map<String, String> values) {
        String text = values.get("--data");
        String file = values.get("--data-file");
        if (text != null && file != null) {
            throw new UsageException("give either --data or --data-file, not both");
        }
        if (text == null && file == null) {
            throw new UsageException("--data TEXT, --data - (stdin) or --data-file FILE is required");
        }
        if (file != null) {
            return new DataSource(DataSource.Kind.FILE, file);
        }
        return text.equals("-") ? new DataSource(DataSource.Kind.STDIN, null) : new DataSource(DataSource.Kind.TEXT, text);
    }

    private static PublisherOptions publisherOptions(Map<String, String> values, boolean sharded) {
        PublisherOptions options = new PublisherOptions().setSharded(sharded);
        try {
            if (values.containsKey("--prefix")) {
                options.setPrefix(values.get("--prefix"));
            }
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return options;
    }

    private static long number(Map<String, String> values, String name, long min, long max) {
        String text = values.get(name);
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw new UsageException(name + " must be a whole number from " + min + " to " + max + ", not '" + text + "'");
    }
}

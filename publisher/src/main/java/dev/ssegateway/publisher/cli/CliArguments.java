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
        String topic,
        String event,
        DataSource data,
        Integer retryMs,
        boolean close,
        PublisherOptions publisherOptions) {

    public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

    /** Where the event's data comes from. */
    public record DataSource(Kind kind, String value) {

        public enum Kind { TEXT, FILE, STDIN }
    }

    private static final Set<String> VALUE_OPTIONS = Set.of("--redis", "--topic", "--event", "--data",
            "--data-file", "--retry", "--prefix", "--history-size", "--history-ttl-ms");
    private static final Set<String> FLAGS = Set.of("--close", "--sharded", "--cluster", "--help", "-h");

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
            } else if (arg.startsWith("-") && !arg.equals("-")) {
                throw new UsageException("unknown option " + name);
            } else {
                throw new UsageException("unexpected argument '" + arg + "' (values follow their option, e.g. --data TEXT)");
            }
        }
        if (flags.contains("--help") || flags.contains("-h")) {
            return new CliArguments(true, null, false, null, null, null, null, false, new PublisherOptions());
        }
        String topic = values.get("--topic");
        if (topic == null) {
            throw new UsageException("--topic is required");
        }
        boolean sharded = flags.contains("--sharded") || flags.contains("--cluster");
        return new CliArguments(false,
                values.getOrDefault("--redis", DEFAULT_REDIS_URL),
                flags.contains("--cluster"),
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
            if (values.containsKey("--history-size")) {
                options.setHistorySize((int) number(values, "--history-size", 1, Integer.MAX_VALUE));
            }
            if (values.containsKey("--history-ttl-ms")) {
                options.setHistoryMaxAgeMs(number(values, "--history-ttl-ms", 0, Long.MAX_VALUE));
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

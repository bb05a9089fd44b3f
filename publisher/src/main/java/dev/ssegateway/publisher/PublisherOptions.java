package dev.ssegateway.publisher;

/**
 * How events are published: Redis naming, history limits, pub/sub flavour and size limit.
 * Every setting has a {@code DEFAULT_} constant; setters are chainable and reject nonsense early.
 */
public class PublisherOptions {

    /** Prefix of every Redis key and channel; see {@link WireFormat}. */
    public static final String DEFAULT_PREFIX = WireFormat.DEFAULT_PREFIX;

    /** History entries kept per topic when no gateway has written the deployment's policy yet. */
    public static final int DEFAULT_HISTORY_SIZE = HistoryPolicy.DEFAULT.size();

    /** History age limit (ms) when no gateway has written the deployment's policy yet. */
    public static final long DEFAULT_HISTORY_MAX_AGE_MS = HistoryPolicy.DEFAULT.ttlMs();

    /** false: PUBLISH (standalone Redis, Sentinel); true: SPUBLISH (Redis Cluster sharded pub/sub). */
    public static final boolean DEFAULT_SHARDED = false;

    /** The largest event data accepted, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_DATA_BYTES = 65_536;

    private String prefix = DEFAULT_PREFIX;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private long historyMaxAgeMs = DEFAULT_HISTORY_MAX_AGE_MS;
    private boolean explicitHistory;
    private boolean sharded = DEFAULT_SHARDED;
    private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;

    public PublisherOptions() {
    }

    public PublisherOptions(PublisherOptions other) {
        this.prefix = other.prefix;
        this.historySize = other.historySize;
        this.historyMaxAgeMs = other.historyMaxAgeMs;
        this.explicitHistory = other.explicitHistory;
        this.sharded = other.sharded;
        this.maxDataBytes = other.maxDataBytes;
    }

    public String getPrefix() {
        return prefix;
    }

    /** Any text without braces (they would confuse the Redis Cluster hash tag); may be empty. */
    public PublisherOptions setPrefix(String prefix) {
        if (prefix == null || prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
            throw new IllegalArgumentException("prefix must be non-null and contain no '{' or '}': " + prefix);
        }
        this.prefix = prefix;
        return this;
    }

    public int getHistorySize() {
        return historySize;
    }

    /**
     * Trims with this size instead of the deployment's policy. At least 1: the stream always
     * holds the latest event, which resuming clients need.
     *
     * <p>Leave the history unset: then every publish trims with the deployment's policy, the
     * one the gateway nodes write into Redis from {@code SSE_HISTORY_SIZE} and
     * {@code SSE_HISTORY_TTL_MS} (see {@link HistoryPolicy}), like every other publisher. An
     * explicit size or age is for the gateway itself, which writes that policy, and for tests.
     */
    public PublisherOptions setHistorySize(int historySize) {
        if (historySize < 1) {
            throw new IllegalArgumentException("historySize must be at least 1: " + historySize);
        }
        this.historySize = historySize;
        this.explicitHistory = true;
        return this;
    }

    public long getHistoryMaxAgeMs() {
        return historyMaxAgeMs;
    }

    /**
     * Trims with this age limit instead of the deployment's policy (see
     * {@link #setHistorySize(int)}). 0 or more; 0 disables trimming by age and the history then
     * never expires.
     */
    public PublisherOptions setHistoryMaxAgeMs(long historyMaxAgeMs) {
        if (historyMaxAgeMs < 0) {
            throw new IllegalArgumentException("historyMaxAgeMs must be 0 or more: " + historyMaxAgeMs);
        }
        this.historyMaxAgeMs = historyMaxAgeMs;
        this.explicitHistory = true;
        return this;
    }

    /**
     * Whether this publisher trims with its own size and age (set with the setters above) rather
     * than the deployment's history policy (the default).
     */
    public boolean isHistoryExplicit() {
        return explicitHistory;
    }

    public boolean isSharded() {
        return sharded;
    }

    public PublisherOptions setSharded(boolean sharded) {
        this.sharded = sharded;
        return this;
    }

    public int getMaxDataBytes() {
        return maxDataBytes;
    }

    public PublisherOptions setMaxDataBytes(int maxDataBytes) {
        if (maxDataBytes < 1) {
            throw new IllegalArgumentException("maxDataBytes must be at least 1: " + maxDataBytes);
        }
        this.maxDataBytes = maxDataBytes;
        return this;
    }

    /** The Redis command the script publishes with: {@code SPUBLISH} when sharded, else {@code PUBLISH}. */
    public String publishCommand() {
        return sharded ? "SPUBLISH" : "PUBLISH";
    }

    @Override
    public String toString() {
        String history = explicitHistory
                ? "historySize=" + historySize + ", historyMaxAgeMs=" + historyMaxAgeMs
                : "history=deployment policy";
        return "PublisherOptions{prefix='" + prefix + "', " + history + ", sharded=" + sharded
                + ", maxDataBytes=" + maxDataBytes + '}';
    }
}

package dev.ssegateway.publisher;

/**
 * How events are published: Redis naming, history limits, pub/sub flavour and size limit.
 * Every setting has a {@code DEFAULT_} constant; setters are chainable and reject nonsense early.
 */
public class PublisherOptions {

    /** Prefix of every Redis key and channel; see {@link WireFormat}. */
    public static final String DEFAULT_PREFIX = WireFormat.DEFAULT_PREFIX;

    /** History entries kept per topic, whatever their age. */
    public static final int DEFAULT_HISTORY_SIZE = 1000;

    /** History entries older than this (ms) are dropped on the next publish; 0 keeps by size only. */
    public static final long DEFAULT_HISTORY_MAX_AGE_MS = 3_600_000;

    /** false: PUBLISH (standalone Redis, Sentinel); true: SPUBLISH (Redis Cluster sharded pub/sub). */
    public static final boolean DEFAULT_SHARDED = false;

    /** The largest event data accepted, in UTF-8 bytes. */
    public static final int DEFAULT_MAX_DATA_BYTES = 65_536;

    private String prefix = DEFAULT_PREFIX;
    private int historySize = DEFAULT_HISTORY_SIZE;
    private long historyMaxAgeMs = DEFAULT_HISTORY_MAX_AGE_MS;
    private boolean sharded = DEFAULT_SHARDED;
    private int maxDataBytes = DEFAULT_MAX_DATA_BYTES;

    public PublisherOptions() {
    }

    public PublisherOptions(PublisherOptions other) {
        this.prefix = other.prefix;
        this.historySize = other.historySize;
        this.historyMaxAgeMs = other.historyMaxAgeMs;
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

    /** At least 1: the stream always holds the latest event, which resuming clients need. */
    public PublisherOptions setHistorySize(int historySize) {
        if (historySize < 1) {
            throw new IllegalArgumentException("historySize must be at least 1: " + historySize);
        }
        this.historySize = historySize;
        return this;
    }

    public long getHistoryMaxAgeMs() {
        return historyMaxAgeMs;
    }

    /** 0 or more; 0 disables trimming by age. */
    public PublisherOptions setHistoryMaxAgeMs(long historyMaxAgeMs) {
        if (historyMaxAgeMs < 0) {
            throw new IllegalArgumentException("historyMaxAgeMs must be 0 or more: " + historyMaxAgeMs);
        }
        this.historyMaxAgeMs = historyMaxAgeMs;
        return this;
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
        return "PublisherOptions{prefix='" + prefix + "', historySize=" + historySize + ", historyMaxAgeMs="
                + historyMaxAgeMs + ", sharded=" + sharded + ", maxDataBytes=" + maxDataBytes + '}';
    }
}

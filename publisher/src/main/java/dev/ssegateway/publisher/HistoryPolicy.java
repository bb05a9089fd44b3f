package dev.ssegateway.publisher;

/**
 * How much history a deployment keeps per topic: one policy, whoever publishes. The gateway
 * nodes write theirs ({@code SSE_HISTORY_SIZE}, {@code SSE_HISTORY_TTL_MS}) into Redis at
 * {@link WireFormat#historyPolicyKey(String)}; the publish script, this library and the CLI trim
 * with it. {@link #DEFAULT} applies until a node has written one.
 *
 * @param size  entries kept per topic, at least 1
 * @param ttlMs entries older than this are dropped; 0: no age limit, and the history never expires
 */
public record HistoryPolicy(int size, long ttlMs) {

    /** The gateway's defaults: 1000 entries, one hour. */
    public static final HistoryPolicy DEFAULT = new HistoryPolicy(1000, 3_600_000);

    public HistoryPolicy {
        if (size < 1) {
            throw new IllegalArgumentException("history size must be at least 1: " + size);
        }
        if (ttlMs < 0) {
            throw new IllegalArgumentException("history ttlMs must be 0 or more: " + ttlMs);
        }
    }

    /**
     * The policy as stored ({@code HMGET key size ttlMs}); a missing or unreadable field takes
     * its {@link #DEFAULT}, so that a half-written or foreign hash never stops publishing.
     */
    public static HistoryPolicy fromStored(String size, String ttlMs) {
        return new HistoryPolicy((int) parse(size, 1, Integer.MAX_VALUE, DEFAULT.size),
                parse(ttlMs, 0, Long.MAX_VALUE, DEFAULT.ttlMs));
    }

    private static long parse(String text, long min, long max, long fallback) {
        if (text == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(text.trim());
            return v >= min && v <= max ? v : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}

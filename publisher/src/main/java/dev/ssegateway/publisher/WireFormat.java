package dev.ssegateway.publisher;

/**
 * How topics are named in Redis: the single source of truth for the gateway, this library, the
 * publish script and anyone publishing from another language.
 *
 * <ul>
 *   <li>Pub/sub channel: <code>&lt;prefix&gt;{&lt;topic&gt;}</code>, e.g. {@code sse:{orders}}.</li>
 *   <li>History: a Redis Stream at <code>&lt;prefix&gt;{&lt;topic&gt;}:h</code>, e.g.
 *       {@code sse:{orders}:h}, whose entries have the fields {@value #FIELD_EVENT} (event name,
 *       empty for the default), {@value #FIELD_DATA} (data), {@value #FIELD_RETRY} (retry ms, empty
 *       for none) and {@value #FIELD_CLOSE} ({@code 1} or {@code 0}).</li>
 *   <li>History policy: a hash at <code>&lt;prefix&gt;history-policy</code>, e.g.
 *       {@code sse:history-policy}, with the fields {@value #POLICY_SIZE} and
 *       {@value #POLICY_TTL_MS}; see {@link HistoryPolicy}.</li>
 * </ul>
 *
 * <p>The braces are a Redis Cluster hash tag: only the topic is hashed, so a topic's channel and
 * history key always live in the same slot, and the publish script can touch both atomically.
 * Topic names cannot contain braces (see {@link TopicNames}), so the tag is never ambiguous.
 *
 * <p>The pub/sub payload is described, encoded and decoded by {@link WireMessage}.
 */
public final class WireFormat {

    public static final String DEFAULT_PREFIX = "sse:";

    /** The suffix that turns a channel name into its history stream's key. */
    public static final String HISTORY_SUFFIX = ":h";

    /** ASCII "record separator": the first character of every structured pub/sub payload. */
    public static final char RECORD_SEPARATOR = '\u001E';

    public static final String FIELD_EVENT = "e";
    public static final String FIELD_DATA = "d";
    public static final String FIELD_RETRY = "r";
    public static final String FIELD_CLOSE = "c";

    public static final String POLICY_SIZE = "size";
    public static final String POLICY_TTL_MS = "ttlMs";

    private WireFormat() {
    }

    /** The pub/sub channel of {@code topic}: <code>prefix + "{" + topic + "}"</code>. */
    public static String channel(String prefix, String topic) {
        return prefix + "{" + topic + "}";
    }

    /** The key of {@code topic}'s history stream: <code>prefix + "{" + topic + "}:h"</code>. */
    public static String historyKey(String prefix, String topic) {
        return channel(prefix, topic) + HISTORY_SUFFIX;
    }

    /** The key of the deployment's history policy hash: <code>prefix + "history-policy"</code>. */
    public static String historyPolicyKey(String prefix) {
        return prefix + "history-policy";
    }

    /**
     * Where a topic keeps the ids of one idempotent publish call: <code>channel + ":i:" + recordId</code>,
     * e.g. {@code sse:{orders}:i:3f2a...}. In the topic's hash slot, so that the batch script
     * appends the events and writes this record in one atomic step.
     */
    public static String idempotencyRecordKey(String prefix, String topic, String recordId) {
        return channel(prefix, topic) + ":i:" + recordId;
    }

    /**
     * Where a call's idempotency key is claimed with the call's fingerprint, before any topic is
     * published: <code>prefix + "idem:" + recordId</code>. Catches a key reused for a body whose
     * topics the first call never touched.
     */
    public static String idempotencyClaimKey(String prefix, String recordId) {
        return prefix + "idem:" + recordId;
    }

    /**
     * The topic whose channel is {@code channel}, or {@code null} if {@code channel} is not a
     * channel under {@code prefix} with a valid topic name.
     */
    public static String topicOfChannel(String prefix, String channel) {
        if (prefix == null || channel == null) {
            return null;
        }
        int start = prefix.length() + 1;
        if (channel.length() <= start + 1 || !channel.startsWith(prefix)
                || channel.charAt(start - 1) != '{' || channel.charAt(channel.length() - 1) != '}') {
            return null;
        }
        String topic = channel.substring(start, channel.length() - 1);
        return TopicNames.isValid(topic) ? topic : null;
    }
}

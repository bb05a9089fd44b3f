package dev.ssegateway.publisher;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The events of one publish call, in the order given: one event, or a batch (a JSON array).
 *
 * @param events the events, at least one
 * @param batch  whether they came as an array (the answer is then {@code {"ids": [...]}})
 */
public record PublishBatch(List<PublishRequest> events, boolean batch) {

    public PublishBatch {
        events = List.copyOf(events);
    }

    /** The events grouped by topic, topics in order of first appearance, each group in order. */
    public Map<String, List<PublishRequest>> byTopic() {
        Map<String, List<PublishRequest>> groups = new LinkedHashMap<>();
        for (PublishRequest e : events) {
            groups.computeIfAbsent(e.topic(), t -> new ArrayList<>()).add(e);
        }
        return groups;
    }

    /**
     * A digest of what is published (every field of every event, in order, and whether it was a
     * batch), not of the body's bytes: a retry that re-serializes the same events differently
     * (spacing, field order) is the same request. SHA-256, lowercase hex.
     */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder(batch ? "batch" : "single");
        for (PublishRequest e : events) {
            // Lengths first, so no choice of field values can make two requests print the same.
            field(canonical, e.topic());
            field(canonical, e.event());
            field(canonical, e.data());
            field(canonical, e.retryMs() == null ? null : e.retryMs().toString());
            field(canonical, e.close() ? "1" : "0");
        }
        return sha256(canonical.toString());
    }

    private static void field(StringBuilder out, String value) {
        out.append('|').append(value == null ? -1 : value.length()).append(':').append(value == null ? "" : value);
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}

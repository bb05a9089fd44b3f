package dev.ssegateway.publisher;

/**
 * What makes a publish call safe to retry: the first call's ids are kept under {@code recordId}
 * for {@code ttlMs}, and a call with the same record id gets them back instead of publishing
 * again. See {@link WireFormat#idempotencyRecordKey} and {@link WireFormat#idempotencyClaimKey}.
 *
 * @param recordId    which call this is: a digest of who publishes and the key they chose
 * @param fingerprint what the call publishes ({@link PublishBatch#fingerprint()}); the same record
 *                    id with another fingerprint is a key reused for another body, refused
 * @param ttlMs       how long the record is kept, at least 1
 */
public record Idempotency(String recordId, String fingerprint, long ttlMs) {

    /** The longest accepted key, in characters (as Stripe's). */
    public static final int MAX_KEY_LENGTH = 255;

    public Idempotency {
        if (ttlMs < 1) {
            throw new IllegalArgumentException("ttlMs must be at least 1: " + ttlMs);
        }
    }

    /**
     * @param scope who publishes (keys of different publishers never meet)
     * @param key   the key the publisher chose, checked with {@link #validateKey}
     */
    public static Idempotency of(String scope, String key, PublishBatch batch, long ttlMs) {
        validateKey(key);
        return new Idempotency(PublishBatch.sha256(scope + "\n" + key), batch.fingerprint(), ttlMs);
    }

    /**
     * 1 to {@value #MAX_KEY_LENGTH} visible ASCII characters (a UUID is typical).
     *
     * @throws InvalidInputException 400 {@code invalid_idempotency_key}
     */
    public static void validateKey(String key) {
        boolean ok = key != null && !key.isEmpty() && key.length() <= MAX_KEY_LENGTH;
        for (int i = 0; ok && i < key.length(); i++) {
            char c = key.charAt(i);
            ok = c > 0x20 && c < 0x7F;
        }
        if (!ok) {
            throw InvalidInputException.badRequest("invalid_idempotency_key", "An Idempotency-Key has 1 to "
                    + MAX_KEY_LENGTH + " visible ASCII characters (no spaces); a random UUID is a good one.");
        }
    }

    /** The error a record answers with when the same key comes with another body: 422. */
    public static InvalidInputException reused() {
        return new InvalidInputException(422, "idempotency_key_reused",
                "This Idempotency-Key was used with a different request body; use a new key for a new request.");
    }
}

package dev.ssegateway.publisher;

/**
 * The Lua script that publishes several events to one topic atomically, optionally keeping their
 * ids for retries with the same idempotency key; its header documents the contract. The text
 * ships in this jar as {@value #RESOURCE}.
 */
public final class PublishBatchScript {

    public static final String RESOURCE = "/dev/ssegateway/publisher/publish-batch.lua";

    private static final String SOURCE = PublishScript.load(RESOURCE);
    private static final String SHA1 = PublishScript.sha1Hex(SOURCE);

    private PublishBatchScript() {
    }

    public static String source() {
        return SOURCE;
    }

    public static String sha1() {
        return SHA1;
    }
}

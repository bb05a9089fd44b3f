package dev.ssegateway.publisher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The Lua script that publishes an event; its header comment documents the contract for
 * publishers in any language. The text ships in this jar as {@value #RESOURCE}.
 */
public final class PublishScript {

    public static final String RESOURCE = "/dev/ssegateway/publisher/publish.lua";

    private static final String SOURCE = load(RESOURCE);
    private static final String SHA1 = sha1Hex(SOURCE);

    private PublishScript() {
    }

    /** The script's text, for EVAL or SCRIPT LOAD. */
    public static String source() {
        return SOURCE;
    }

    /** The script's SHA-1 in lowercase hex, as EVALSHA wants it. */
    public static String sha1() {
        return SHA1;
    }

    static String load(String resource) {
        try (InputStream in = PublishScript.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + resource, e);
        }
    }

    static String sha1Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-1", e);
        }
    }
}

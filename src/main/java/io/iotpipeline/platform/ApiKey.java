package io.iotpipeline.platform;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The key clients must present to post events, when one is configured. Compared in constant time over fixed-length
 * digests, so neither the content nor the length of the key leaks through response times. Never logged.
 */
public final class ApiKey {

    private final byte[] digest;

    /** A blank key means the API is open. */
    public ApiKey(String key) {
        this.digest = key == null || key.isBlank() ? null : sha256(key.trim());
    }

    public boolean required() {
        return digest != null;
    }

    /** Whether the presented key opens the API; any key does when none is configured. */
    public boolean admits(String presented) {
        if (digest == null) {
            return true;
        }
        return presented != null && MessageDigest.isEqual(digest, sha256(presented.trim()));
    }

    @Override
    public String toString() {
        return required() ? "ApiKey[configured]" : "ApiKey[none]";
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

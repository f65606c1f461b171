package io.iotpipeline.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Checks what a request presents in its real HTTP headers: HTTP Basic for the read and operate users, the ingest key in
 * {@code X-API-Key} or {@code Authorization: Bearer}. Every comparison runs over fixed-length digests of the whole
 * presented text and of every stored secret, so neither which part failed nor the lengths leak through timing.
 */
public final class Credentials {

    /** What a request may do; operate includes read. */
    public enum Role { READ, OPERATE }

    private final byte[] read;
    private final byte[] operate;
    private final byte[] ingestKey;
    /** Digests of the customer-bound keys, each with its customers. */
    private final java.util.List<java.util.Map.Entry<byte[], java.util.Set<String>>> customerKeys;

    /** What an ingest key may post: every customer, or only some. */
    public record IngestGrant(java.util.Set<String> customers) {
        public static final IngestGrant EVERY_CUSTOMER = new IngestGrant(null);

        public boolean covers(String customerId) {
            return customers == null || customers.contains(customerId);
        }
    }

    public Credentials(AccessSettings settings) {
        this.read = settings.readPassword() == null ? null
                : sha256(settings.readUser() + ":" + settings.readPassword());
        this.operate = settings.operatePassword() == null ? null
                : sha256(settings.operateUser() + ":" + settings.operatePassword());
        this.ingestKey = settings.ingestKey() == null ? null : sha256(settings.ingestKey().trim());
        this.customerKeys = settings.customerKeys().entrySet().stream()
                .map(entry -> java.util.Map.entry(sha256(entry.getKey()), entry.getValue())).toList();
    }

    public boolean ingestKeyRequired() {
        return ingestKey != null || !customerKeys.isEmpty();
    }

    /** The role of the user an {@code Authorization: Basic} header names, or null when it names none. */
    public Role basicUser(String authorization) {
        byte[] presented = sha256(basicUserAndPassword(authorization));
        // both comparisons always run
        boolean isOperator = operate != null & MessageDigest.isEqual(presented, operate == null ? new byte[32] : operate);
        boolean isReader = read != null & MessageDigest.isEqual(presented, read == null ? new byte[32] : read);
        return isOperator ? Role.OPERATE : isReader ? Role.READ : null;
    }

    /** Whether the request carries an ingest key; any request does when no key is configured. */
    public boolean admitsIngest(String apiKeyHeader, String authorization) {
        return ingestGrant(apiKeyHeader, authorization) != null;
    }

    /**
     * What the presented ingest key may post: every customer (the ingest key, or no key configured at all), the
     * customers its entry of {@code ingest.http.customerKeys} names, or null when it is no key.
     */
    public IngestGrant ingestGrant(String apiKeyHeader, String authorization) {
        if (!ingestKeyRequired()) {
            return IngestGrant.EVERY_CUSTOMER;
        }
        String presented = apiKeyHeader;
        if (presented == null && authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = authorization.substring(7);
        }
        if (presented == null) {
            return null;
        }
        byte[] digest = sha256(presented.trim());
        // every stored key is compared, whichever matches
        IngestGrant grant = null;
        if (ingestKey != null & MessageDigest.isEqual(ingestKey == null ? new byte[32] : ingestKey, digest)) {
            grant = IngestGrant.EVERY_CUSTOMER;
        }
        for (var entry : customerKeys) {
            if (MessageDigest.isEqual(entry.getKey(), digest) && grant == null) {
                grant = new IngestGrant(entry.getValue());
            }
        }
        return grant;
    }

    /** The user name an {@code Authorization: Basic} header claims ("user:<name>"), or "key" for anything else. */
    static String claimedName(String authorization) {
        String userAndPassword = basicUserAndPassword(authorization);
        int colon = userAndPassword.indexOf(':');
        return colon < 0 ? "key" : "user:" + userAndPassword.substring(0, Math.min(colon, 64));
    }

    private static String basicUserAndPassword(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return "";
        }
        try {
            return new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials[read=" + (read != null) + ", operate=" + (operate != null) + ", ingestKey=" + (ingestKey != null)
                + "]";
    }
}

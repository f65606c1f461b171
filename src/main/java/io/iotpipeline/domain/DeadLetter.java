package io.iotpipeline.domain;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Input that could not be stored as a reading, with the reason and the raw payload, so nothing is dropped silently.
 *
 * @param deadLetterKey unique per source record and part (whole event, or one device of it): a redelivered record
 *                      never adds a second dead letter
 */
public record DeadLetter(String deadLetterKey, String reason, String payload, String eventId, String deviceId,
        SourceRecord source) {

    /** PostgreSQL text cannot hold NUL and a dead letter must always be storable, so the payload is cleaned and capped. */
    static final int MAX_PAYLOAD_CHARS = 65_536;

    public static DeadLetter ofEvent(SourceRecord source, String reason, String eventId) {
        return new DeadLetter(source.coordinates(), reason, source.payload(), eventId, null, source);
    }

    public static DeadLetter ofDevice(SourceRecord source, int deviceIndex, String reason, String eventId,
            String deviceId, String devicePayload) {
        return new DeadLetter(source.coordinates() + "#device[" + deviceIndex + "]", reason, devicePayload, eventId,
                deviceId, source);
    }

    /** A measurement of a valid device that the measurement catalog refuses (its unit, type or range). */
    public static DeadLetter ofMeasurement(SourceRecord source, int deviceIndex, String measurement, String reason,
            String eventId, String deviceId, String devicePayload) {
        return new DeadLetter(source.coordinates() + "#device[" + deviceIndex + "]/" + measurement, reason,
                devicePayload, eventId, deviceId, source);
    }

    /** A reading that passed validation but that the database refused to store. */
    public static DeadLetter ofRejectedReading(DeviceReading reading, String reason) {
        return ofReading(reading, "#deviceId:", reason);
    }

    /** A valid reading that a route before the store dropped (ReadingsToStore), with the reason. */
    public static DeadLetter ofDroppedReading(DeviceReading reading, String reason) {
        return ofReading(reading, "#dropped:", reason);
    }

    private static DeadLetter ofReading(DeviceReading reading, String kind, String reason) {
        SourceRecord source = reading.source();
        return new DeadLetter(source.coordinates() + kind + reading.deviceId(), reason, source.payload(),
                reading.eventId().toString(), reading.deviceId(), source);
    }

    /**
     * The kind of a refusal, to count refusals by: the reason's leading words, without a device's position, ids or
     * values ("temperature", "eventTime", "not a readable event", "CONFLICT", "DROPPED before the store").
     */
    public static String kindOf(String reason) {
        String text = reason == null ? "" : reason;
        if (text.startsWith("data.devices[") && text.contains("]: ")) {
            text = text.substring(text.indexOf("]: ") + 3);
        }
        int end = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':' || c == '"' || c == '\'' || c == '(' || Character.isDigit(c)) {
                end = i;
                break;
            }
        }
        String kind = text.substring(0, Math.min(end, 60)).trim();
        return kind.isEmpty() ? "other" : kind;
    }

    /** The widths of iot_dead_letters' bounded columns (sql/V1__readings_and_dead_letters.sql). */
    static final int MAX_REASON_CHARS = 2000;
    static final int MAX_ID_CHARS = 100;
    static final int MAX_TOPIC_CHARS = 255;
    /** deadLetterKey is unique and indexed: a B-tree entry holds at most about 2,700 bytes. */
    static final int MAX_KEY_CHARS = 500;

    /**
     * The row, every field cut to its column so that a dead letter can always be stored, whatever the input (a 300
     * character MQTT topic, a 1 MB id): the reason says which field was cut and how long it was.
     */
    public Map<String, Object> toRow() {
        StringBuilder cuts = new StringBuilder();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("deadLetterKey", key());
        row.put("payload", storable(payload, MAX_PAYLOAD_CHARS));
        row.put("payloadLength", payload == null ? 0 : payload.length());
        row.put("eventId", cut("eventId", eventId, MAX_ID_CHARS, cuts));
        row.put("deviceId", cut("deviceId", deviceId, MAX_ID_CHARS, cuts));
        row.put("kafkaTopic", cut("source topic", source.topic(), MAX_TOPIC_CHARS, cuts));
        row.put("kafkaPartition", source.partition());
        row.put("kafkaOffset", source.offset());
        String fullReason = cuts.isEmpty() ? String.valueOf(reason) : reason + " (" + cuts + ")";
        row.put("reason", storable(fullReason, MAX_REASON_CHARS));
        return row;
    }

    /** The key as stored: a long one (a long MQTT topic in it) keeps its start and a digest of the whole. */
    private String key() {
        String clean = storable(deadLetterKey, Integer.MAX_VALUE);
        if (clean.length() <= MAX_KEY_CHARS) {
            return clean;
        }
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(clean.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return clean.substring(0, MAX_KEY_CHARS - 65) + "#" + java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String cut(String name, String text, int maxChars, StringBuilder cuts) {
        if (text != null && text.length() > maxChars) {
            cuts.append(cuts.isEmpty() ? "" : "; ").append(name).append(" of ").append(text.length())
                    .append(" characters stored cut to ").append(maxChars);
        }
        return storable(text, maxChars);
    }

    static String storable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String clean = text.replace('\u0000', '\uFFFD');
        return clean.length() <= maxChars ? clean : clean.substring(0, maxChars);
    }
}

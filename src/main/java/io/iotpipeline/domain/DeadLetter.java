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

    /** A reading that passed validation but that the database refused to store. */
    public static DeadLetter ofRejectedReading(DeviceReading reading, String reason) {
        SourceRecord source = reading.source();
        return new DeadLetter(source.coordinates() + "#deviceId:" + reading.deviceId(), reason, source.payload(),
                reading.eventId().toString(), reading.deviceId(), source);
    }

    public Map<String, Object> toRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("deadLetterKey", storable(deadLetterKey, Integer.MAX_VALUE));
        row.put("reason", storable(reason, 2000));
        row.put("payload", storable(payload, MAX_PAYLOAD_CHARS));
        row.put("payloadLength", payload == null ? 0 : payload.length());
        row.put("eventId", storable(eventId, 100));
        row.put("deviceId", storable(deviceId, 100));
        row.put("kafkaTopic", source.topic());
        row.put("kafkaPartition", source.partition());
        row.put("kafkaOffset", source.offset());
        return row;
    }

    static String storable(String text, int maxChars) {
        if (text == null) {
            return null;
        }
        String clean = text.replace('\u0000', '\uFFFD');
        return clean.length() <= maxChars ? clean : clean.substring(0, maxChars);
    }
}

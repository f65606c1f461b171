package io.iotpipeline.domain;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One row of {@code iot_device_events}: one device's reading within one event, identified by (eventId, deviceId).
 *
 * @param extraFields JSON object text of the sensor fields beyond the fixed ones (humidity, ...), or null
 */
public record DeviceReading(
        UUID eventId,
        String customerId,
        long eventOffset,
        String eventPublisher,
        LocalDateTime eventTime,
        String deviceId,
        String measure,
        String status,
        double temperature,
        String extraFields,
        SourceRecord source) {

    /** The named parameters of {@code insert-readings.sql}. */
    public Map<String, Object> toRow() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("eventId", eventId);
        row.put("customerId", customerId);
        row.put("eventOffset", eventOffset);
        row.put("eventPublisher", eventPublisher);
        row.put("eventTime", eventTime);
        row.put("deviceId", deviceId);
        row.put("measure", measure);
        row.put("status", status);
        row.put("temperature", temperature);
        row.put("extraFields", extraFields);
        row.put("kafkaTopic", source.topic());
        row.put("kafkaPartition", source.partition());
        row.put("kafkaOffset", source.offset());
        return row;
    }
}

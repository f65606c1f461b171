package io.iotpipeline.domain;

import java.time.LocalDateTime;
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
}

package io.iotpipeline.domain;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

/**
 * One row of {@code iot_device_events}: one device's reading within one event, identified by (eventId, deviceId).
 *
 * @param temperature        as the device sent it, in {@code measure}
 * @param temperatureCelsius the same value in Celsius, for the metrics
 * @param extraFields        JSON object text of the sensor fields beyond the fixed ones (humidity, ...), or null
 * @param measurements       the catalog's measurements the device sent beyond temperature, converted and checked
 * @param late               older than its stream's watermark when it arrived (see {@link LatenessPolicy})
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
        double temperatureCelsius,
        String extraFields,
        List<Measurement> measurements,
        SourceRecord source,
        boolean late) {

    /** A reading of temperature only. */
    public DeviceReading(UUID eventId, String customerId, long eventOffset, String eventPublisher,
            LocalDateTime eventTime, String deviceId, String measure, String status, double temperature,
            double temperatureCelsius, String extraFields, SourceRecord source, boolean late) {
        this(eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
                temperatureCelsius, extraFields, List.of(), source, late);
    }

    public DeviceReading withLate(boolean isLate) {
        return isLate == late ? this : new DeviceReading(eventId, customerId, eventOffset, eventPublisher, eventTime,
                deviceId, measure, status, temperature, temperatureCelsius, extraFields, measurements, source, isLate);
    }
}

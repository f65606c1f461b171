package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.UUID;

/**
 * What the detectors read of one stored reading: its device, event time, temperature in °C and status. The eventId
 * stays a UUID: it becomes text only in the rare finding.
 */
public record Observation(String customerId, String deviceId, UUID eventId, LocalDateTime eventTime, double celsius,
        String status) {

    public static Observation of(io.iotpipeline.domain.DeviceReading reading) {
        return new Observation(reading.customerId(), reading.deviceId(), reading.eventId(), reading.eventTime(),
                reading.temperatureCelsius(), reading.status());
    }
}

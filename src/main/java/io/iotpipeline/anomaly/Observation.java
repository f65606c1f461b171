package io.iotpipeline.anomaly;

import java.time.LocalDateTime;

/** What the detectors read of one stored reading: its device, event time, temperature in °C and status. */
public record Observation(String customerId, String deviceId, String eventId, LocalDateTime eventTime, double celsius,
        String status) {

    public static Observation of(io.iotpipeline.domain.DeviceReading reading) {
        return new Observation(reading.customerId(), reading.deviceId(), reading.eventId().toString(),
                reading.eventTime(), reading.temperatureCelsius(), reading.status());
    }
}

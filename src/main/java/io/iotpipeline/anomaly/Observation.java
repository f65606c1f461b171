package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.UUID;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.Measurement;

/**
 * What the detectors read of one stored reading: its device, event time, the value judged (temperature in °C, or a
 * catalog measurement in its canonical unit) and status. The eventId stays a UUID: it becomes text only in the rare
 * finding.
 */
public record Observation(String customerId, String deviceId, UUID eventId, LocalDateTime eventTime, double value,
        String status) {

    /** The reading's temperature. */
    public static Observation of(DeviceReading reading) {
        return new Observation(reading.customerId(), reading.deviceId(), reading.eventId(), reading.eventTime(),
                reading.temperatureCelsius(), reading.status());
    }

    /** One of the reading's measurements beyond temperature. */
    public static Observation of(DeviceReading reading, Measurement measurement) {
        return new Observation(reading.customerId(), reading.deviceId(), reading.eventId(), reading.eventTime(),
                measurement.value(), reading.status());
    }
}

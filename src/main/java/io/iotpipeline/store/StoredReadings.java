package io.iotpipeline.store;

import java.util.List;

import io.iotpipeline.domain.DeviceReading;

/**
 * The readings of one Kafka batch once they are stored, as routes loaded from files (routes/*.yaml) receive them on
 * {@code direct:readings-stored}: they work on the readings the pipeline has already read and checked instead of
 * reading and parsing the topic again. Not a record on purpose: simple's method calls on the body key a cache by the
 * body's hash, which for a record would hash every reading.
 */
public final class StoredReadings {

    private final List<DeviceReading> readings;

    /** The batch's readings as they are (a read-only view, not a copy: no cost when no route listens). */
    public StoredReadings(List<DeviceReading> readings) {
        this.readings = java.util.Collections.unmodifiableList(readings);
    }

    public List<DeviceReading> readings() {
        return readings;
    }

    /** The readings above {@code celsius} °C, whatever unit the device sent them in. */
    public List<DeviceReading> hotterThan(double celsius) {
        return readings.stream().filter(r -> r.temperatureCelsius() > celsius).toList();
    }
}

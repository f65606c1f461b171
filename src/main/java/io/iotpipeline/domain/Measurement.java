package io.iotpipeline.domain;

/**
 * One measured value of a reading beyond the seed's temperature (humidity, pressure, …: the measurement catalog),
 * stored typed in {@code device_measurements}.
 *
 * @param name      the catalog's name of the measurement
 * @param value     in the measurement's canonical unit, what the analytics use
 * @param unit      the canonical unit
 * @param sentValue as the device sent it
 * @param sentUnit  the unit it was sent in
 */
public record Measurement(String name, double value, String unit, double sentValue, String sentUnit) {
}

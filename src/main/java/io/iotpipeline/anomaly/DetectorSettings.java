package io.iotpipeline.anomaly;

import java.time.Duration;
import java.util.function.Function;

/**
 * The detectors' knobs, from the {@code anomaly.*} properties.
 *
 * @param spikeAlpha     weight of the newest reading in the exponentially weighted mean and variance
 * @param spikeSigmas    how many standard deviations from the mean make a spike
 * @param spikeWarmup    readings of a device before a spike may fire
 * @param spikeMinStd    floor of the standard deviation in °C, so a very steady device does not fire on 0.1 °C
 * @param stuckRepeats   identical readings in a row that make a stuck sensor
 * @param driftWarmup    readings that set the device's baseline
 * @param driftAlpha     weight of the newest reading in the running mean compared with the baseline
 * @param driftBand      half-width of the baseline band in °C
 * @param driftFor       how long (event time) the running mean must stay outside the band
 * @param burstErrors    more ERROR statuses than this within burstWindow make a burst
 * @param maxDevices     devices whose state is kept; the least recently seen is dropped first
 * @param reorderWindow  how much older than a device's newest judged reading a reading may be and still be judged:
 *                       readings of one device that travel through several Kafka partitions (events produced without
 *                       a key) arrive out of order across batches; older ones are skipped
 */
public record DetectorSettings(
        boolean spikeEnabled, double spikeAlpha, double spikeSigmas, int spikeWarmup, double spikeMinStd,
        boolean stuckEnabled, int stuckRepeats,
        boolean driftEnabled, int driftWarmup, double driftAlpha, double driftBand, Duration driftFor,
        boolean burstEnabled, int burstErrors, Duration burstWindow,
        int maxDevices, Duration reorderWindow) {

    public static DetectorSettings defaults() {
        return new DetectorSettings(true, 0.1, 5, 20, 0.5, true, 10, true, 50, 0.1, 5, Duration.ofSeconds(60),
                true, 12, Duration.ofSeconds(60), 100_000, Duration.ofSeconds(600));
    }

    public static DetectorSettings fromProperties(Function<String, String> property) {
        return new DetectorSettings(
                Boolean.parseBoolean(property.apply("anomaly.spike.enabled")),
                Double.parseDouble(property.apply("anomaly.spike.alpha")),
                Double.parseDouble(property.apply("anomaly.spike.sigmas")),
                Integer.parseInt(property.apply("anomaly.spike.warmupReadings")),
                Double.parseDouble(property.apply("anomaly.spike.minStdCelsius")),
                Boolean.parseBoolean(property.apply("anomaly.stuck.enabled")),
                Integer.parseInt(property.apply("anomaly.stuck.repeats")),
                Boolean.parseBoolean(property.apply("anomaly.drift.enabled")),
                Integer.parseInt(property.apply("anomaly.drift.warmupReadings")),
                Double.parseDouble(property.apply("anomaly.drift.alpha")),
                Double.parseDouble(property.apply("anomaly.drift.bandCelsius")),
                Duration.ofSeconds(Long.parseLong(property.apply("anomaly.drift.forSeconds"))),
                Boolean.parseBoolean(property.apply("anomaly.error-burst.enabled")),
                Integer.parseInt(property.apply("anomaly.error-burst.errors")),
                Duration.ofSeconds(Long.parseLong(property.apply("anomaly.error-burst.windowSeconds"))),
                Integer.parseInt(property.apply("anomaly.maxDevices")),
                Duration.ofSeconds(Long.parseLong(property.apply("anomaly.reorderSeconds"))));
    }
}

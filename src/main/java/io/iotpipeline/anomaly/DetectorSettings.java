package io.iotpipeline.anomaly;

import java.time.Duration;
import java.util.Map;

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

    /** The names of the detectors on, as the catalog and the API name them. */
    public java.util.List<String> enabledDetectors() {
        java.util.List<String> on = new java.util.ArrayList<>(4);
        if (spikeEnabled) {
            on.add("spike");
        }
        if (stuckEnabled) {
            on.add("stuck");
        }
        if (driftEnabled) {
            on.add("drift");
        }
        if (burstEnabled) {
            on.add("error-burst");
        }
        return on;
    }

    public static DetectorSettings defaults() {
        return new DetectorSettings(true, 0.1, 5, 20, 0.5, true, 10, true, 50, 0.1, 5, Duration.ofSeconds(60),
                true, 12, Duration.ofSeconds(60), 100_000, Duration.ofSeconds(600));
    }

    /**
     * The settings of a catalog measurement's detectors: only those it names run (spike, stuck, drift; error-burst
     * judges statuses, which temperature's detectors do), each with these settings but for what it overrides, in the
     * measurement's canonical unit: spike {@code alpha, sigmas, warmupReadings, minStd}, stuck {@code repeats}, drift
     * {@code warmupReadings, alpha, band, forSeconds}.
     */
    public DetectorSettings forMeasurement(String measurement, Map<String, Map<String, Double>> detectors) {
        Map<String, java.util.Set<String>> known = Map.of("spike", java.util.Set.of("alpha", "sigmas", "warmupReadings",
                "minStd"), "stuck", java.util.Set.of("repeats"), "drift", java.util.Set.of("warmupReadings", "alpha",
                "band", "forSeconds"));
        detectors.forEach((detector, overrides) -> {
            if (!known.containsKey(detector)) {
                throw new IllegalArgumentException("measurement " + measurement + ": detector " + detector
                        + " is not one of " + String.join(", ", new java.util.TreeSet<>(known.keySet())));
            }
            for (String key : overrides == null ? java.util.Set.<String>of() : overrides.keySet()) {
                if (!known.get(detector).contains(key)) {
                    throw new IllegalArgumentException("measurement " + measurement + ": detector " + detector
                            + " has no setting " + key + " (" + String.join(", ", new java.util.TreeSet<>(
                            known.get(detector))) + ")");
                }
            }
        });
        // the same checks as the anomaly.* properties get (share, positive, whole numbers)
        check(measurement, detectors, "spike", "alpha", v -> v > 0 && v <= 1, "a share in (0, 1]");
        check(measurement, detectors, "spike", "sigmas", v -> v > 0, "a positive number");
        check(measurement, detectors, "spike", "warmupReadings", v -> v >= 0 && v == Math.rint(v), "a whole number of 0 or more");
        check(measurement, detectors, "spike", "minStd", v -> v > 0, "a positive number");
        check(measurement, detectors, "stuck", "repeats", v -> v >= 2 && v == Math.rint(v), "a whole number of 2 or more");
        check(measurement, detectors, "drift", "warmupReadings", v -> v >= 1 && v == Math.rint(v), "a positive whole number");
        check(measurement, detectors, "drift", "alpha", v -> v > 0 && v <= 1, "a share in (0, 1]");
        check(measurement, detectors, "drift", "band", v -> v > 0, "a positive number");
        check(measurement, detectors, "drift", "forSeconds", v -> v >= 0 && v == Math.rint(v), "a whole number of seconds");
        Map<String, Double> spike = detectors.getOrDefault("spike", Map.of());
        Map<String, Double> stuck = detectors.getOrDefault("stuck", Map.of());
        Map<String, Double> drift = detectors.getOrDefault("drift", Map.of());
        return new DetectorSettings(
                detectors.containsKey("spike"), value(spike, "alpha", spikeAlpha), value(spike, "sigmas", spikeSigmas),
                (int) value(spike, "warmupReadings", spikeWarmup), value(spike, "minStd", spikeMinStd),
                detectors.containsKey("stuck"), (int) value(stuck, "repeats", stuckRepeats),
                detectors.containsKey("drift"), (int) value(drift, "warmupReadings", driftWarmup),
                value(drift, "alpha", driftAlpha), value(drift, "band", driftBand),
                drift.containsKey("forSeconds") ? Duration.ofSeconds((long) value(drift, "forSeconds", 0))
                        : driftFor,
                false, burstErrors, burstWindow, maxDevices, reorderWindow);
    }

    private static void check(String measurement, Map<String, Map<String, Double>> detectors, String detector,
            String key, java.util.function.DoublePredicate valid, String expected) {
        Map<String, Double> overrides = detectors.get(detector);
        Double value = overrides == null ? null : overrides.get(key);
        if (value != null && (!Double.isFinite(value) || !valid.test(value))) {
            throw new IllegalArgumentException("measurement " + measurement + ": detector " + detector + " " + key
                    + " must be " + expected + ", got " + value);
        }
    }

    private static double value(Map<String, Double> overrides, String key, double fallback) {
        Double value = overrides == null ? null : overrides.get(key);
        return value == null ? fallback : value;
    }

    public static DetectorSettings from(io.iotpipeline.settings.Settings settings) {
        return new DetectorSettings(
                settings.flag("anomaly.spike.enabled"),
                settings.share("anomaly.spike.alpha"),
                settings.positiveNumber("anomaly.spike.sigmas"),
                settings.nonNegativeInt("anomaly.spike.warmupReadings"),
                settings.positiveNumber("anomaly.spike.minStdCelsius"),
                settings.flag("anomaly.stuck.enabled"),
                settings.positiveInt("anomaly.stuck.repeats"),
                settings.flag("anomaly.drift.enabled"),
                settings.positiveInt("anomaly.drift.warmupReadings"),
                settings.share("anomaly.drift.alpha"),
                settings.positiveNumber("anomaly.drift.bandCelsius"),
                settings.seconds("anomaly.drift.forSeconds"),
                settings.flag("anomaly.error-burst.enabled"),
                settings.positiveInt("anomaly.error-burst.errors"),
                settings.seconds("anomaly.error-burst.windowSeconds"),
                settings.positiveInt("anomaly.maxDevices"),
                settings.seconds("anomaly.reorderSeconds"));
    }
}

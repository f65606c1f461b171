package io.iotpipeline.anomaly;

/** The online detectors, each switchable in properties ({@code anomaly.<id>.enabled}). */
public enum Detector {
    /** A reading far from the device's exponentially weighted mean, in its own standard deviations. */
    SPIKE,
    /** The same value many times in a row: a sensor that stopped measuring. */
    STUCK,
    /** The device's running mean outside its own baseline band for longer than a duration. */
    DRIFT,
    /** Too many ERROR statuses from one device within a window. */
    ERROR_BURST;

    /** As in property names and stored rows: spike, stuck, drift, error-burst. */
    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    public static Detector ofId(String id) {
        for (Detector detector : values()) {
            if (detector.id().equals(id)) {
                return detector;
            }
        }
        throw new IllegalArgumentException("no detector " + id);
    }
}

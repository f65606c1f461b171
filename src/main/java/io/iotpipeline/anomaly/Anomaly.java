package io.iotpipeline.anomaly;

import java.time.LocalDateTime;

/**
 * One finding: which detector, on which reading, how strong ({@code score}, in the detector's unit: standard
 * deviations, repeats, band widths or errors), and the range that would have been normal.
 */
public record Anomaly(String customerId, String deviceId, String eventId, Detector detector, double score,
        double expectedLow, double expectedHigh, double observed, LocalDateTime eventTime) {
}

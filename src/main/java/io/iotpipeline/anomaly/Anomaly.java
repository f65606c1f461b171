package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding: which detector, on which reading and measurement (observed and the normal range in its unit), how strong ({@code score}, in the detector's unit: standard
 * deviations, repeats, band widths or errors), and the range that would have been normal.
 */
public record Anomaly(String customerId, String deviceId, String eventId, Detector detector, double score,
        double expectedLow, double expectedHigh, double observed, LocalDateTime eventTime, String measurement,
        String unit) {

    /** The seed's measurement, which every reading has. */
    public static final String TEMPERATURE = "temperature";

    /** A finding on temperature. */
    public Anomaly(String customerId, String deviceId, String eventId, Detector detector, double score,
            double expectedLow, double expectedHigh, double observed, LocalDateTime eventTime) {
        this(customerId, deviceId, eventId, detector, score, expectedLow, expectedHigh, observed, eventTime, TEMPERATURE,
                "°C");
    }

    /**
     * Findings as {@code device_anomalies} rows for store_readings' {@code anomalies} parameter: a JSON array whose
     * keys are the column names as PostgreSQL folds them.
     */
    public static List<Map<String, Object>> rows(List<Anomaly> found) {
        return found.stream().map(anomaly -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("eventid", anomaly.eventId());
            row.put("deviceid", anomaly.deviceId());
            row.put("detector", anomaly.detector().id());
            row.put("measurement", anomaly.measurement());
            row.put("unit", anomaly.unit());
            row.put("customerid", anomaly.customerId());
            row.put("score", anomaly.score());
            row.put("expectedlow", Double.isNaN(anomaly.expectedLow()) ? null : anomaly.expectedLow());
            row.put("expectedhigh", Double.isNaN(anomaly.expectedHigh()) ? null : anomaly.expectedHigh());
            row.put("observed", anomaly.observed());
            row.put("eventtime", io.iotpipeline.store.ReadingColumns.TIMESTAMP.format(anomaly.eventTime()));
            return row;
        }).toList();
    }
}

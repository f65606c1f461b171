package io.iotpipeline.anomaly;

import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One finding: which detector, on which reading, how strong ({@code score}, in the detector's unit: standard
 * deviations, repeats, band widths or errors), and the range that would have been normal.
 */
public record Anomaly(String customerId, String deviceId, String eventId, Detector detector, double score,
        double expectedLow, double expectedHigh, double observed, LocalDateTime eventTime) {

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

package io.iotpipeline.anomaly;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.store.ReadingStore;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of the anomaly routes (bean {@code batchJudge}): the detectors judge a batch's readings in the ingest pass,
 * and a stored finding becomes an alert.
 */
public final class BatchJudge {

    private final AnomalyDetectors detectors;
    private final List<AnomalyDetectors> measurementDetectors;
    private final PipelineCounters totals;

    public BatchJudge(AnomalyDetectors detectors, PipelineCounters totals) {
        this(detectors, List.of(), totals);
    }

    /** @param measurementDetectors the detectors of each catalog measurement that has some */
    public BatchJudge(AnomalyDetectors detectors, List<AnomalyDetectors> measurementDetectors, PipelineCounters totals) {
        this.detectors = detectors;
        this.measurementDetectors = List.copyOf(measurementDetectors);
        this.totals = totals;
    }

    private static final Logger LOG = LoggerFactory.getLogger(BatchJudge.class);

    /** Exchange variable: the batch's findings as JSON rows, stored with their readings by store_readings. */
    public static final String ANOMALIES = ReadingStore.ANOMALIES;

    /**
     * Judges the batch's readings (the body, left as it is) and keeps the findings in {@value #ANOMALIES}. If the
     * batch then fails, the detectors are rolled back to how they were before it. A detector that fails must not hold
     * back the readings: they are then stored without findings.
     */
    public void judge(Exchange batch) {
        @SuppressWarnings("unchecked")
        List<DeviceReading> readings = batch.getMessage().getBody(List.class);
        Map<AnomalyDetectors, AnomalyDetectors.Judgement> judgements = new LinkedHashMap<>();
        List<Anomaly> found = new java.util.ArrayList<>();
        try {
            AnomalyDetectors.Judgement temperature = detectors.judge(readings.stream().map(Observation::of).toList());
            judgements.put(detectors, temperature);
            found.addAll(temperature.found());
            for (AnomalyDetectors measurement : measurementDetectors) {
                List<Observation> observed = observations(readings, measurement.measurement());
                if (!observed.isEmpty()) {
                    AnomalyDetectors.Judgement judged = measurement.judge(observed);
                    judgements.put(measurement, judged);
                    found.addAll(judged.found());
                }
            }
        } catch (RuntimeException e) {
            judgements.forEach(AnomalyDetectors::rollback);
            LOG.warn("The anomaly detectors failed on a batch of {} readings, which is stored without findings: {}",
                    readings.size(), e.toString());
            batch.setVariable(ANOMALIES, "[]");
            return;
        }
        batch.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                judgements.forEach(AnomalyDetectors::rollback);
            }
        });
        batch.setVariable(ANOMALIES, json(Anomaly.rows(found)));
    }

    private static List<Observation> observations(List<DeviceReading> readings, String measurement) {
        List<Observation> observed = new java.util.ArrayList<>(0);
        for (DeviceReading reading : readings) {
            for (io.iotpipeline.domain.Measurement value : reading.measurements()) {
                if (value.name().equals(measurement)) {
                    observed.add(Observation.of(reading, value));
                }
            }
        }
        return observed;
    }

    /** A stored finding (the body, a row) as the JSON alert: {"alert":"anomaly", then the row's columns}. */
    public String alert(Map<?, ?> row) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("alert", "anomaly");
        for (String column : List.of("eventId", "deviceId", "measurement", "unit", "detector", "customerId", "score",
                "expectedLow",
                "expectedHigh", "observed", "eventTime")) {
            alert.put(column, row.get(column));
        }
        return json(alert);
    }

    /** Counts an alert sent, per detector (iot_anomalies_total). */
    public void countSent(Exchange exchange, Map<?, ?> row) {
        totals.anomalySent(row.get("detector").toString());
    }

    private static String json(Object value) {
        try {
            return EventJson.MAPPER.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

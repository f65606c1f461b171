package io.iotpipeline.routes;

import java.util.List;

import io.iotpipeline.anomaly.Anomaly;
import io.iotpipeline.anomaly.AnomalyDetectors;
import io.iotpipeline.anomaly.Observation;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.SynchronizationAdapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Detect stage, in the ingest pass: the anomaly detectors judge each batch's readings, as read once by the ingest
 * stage, before they are stored. The findings travel with the batch (variable {@value #ANOMALIES}) into the statement
 * that stores the readings, which stores a finding only if it inserts its reading: a batch read again after a crash,
 * a rebalance or a failed write adds no finding. If the batch cannot be stored, the detectors are rolled back to how
 * they were before it and judge it again when it is read again. Route publish-anomaly-alerts then sends each stored
 * finding as a JSON alert to {@code alerts.topic} and marks it sent.
 */
public class DetectRoute extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(DetectRoute.class);

    /** The exchange variable with the batch's findings, as JSON rows for store_readings. */
    static final String ANOMALIES = "anomalies";

    // Claimed first, marked sent after the send: an instance that dies in between leaves a claim that another one
    // (or this one, restarted) takes over after a minute, so an alert is delayed, not lost.
    static final String TAKE_UNSENT_ANOMALIES = "UPDATE device_anomalies a SET alertClaimedAt = now() FROM ("
            + " SELECT eventId, deviceId, detector FROM device_anomalies WHERE alertedAt IS NULL"
            + " AND (alertClaimedAt IS NULL OR alertClaimedAt < now() - interval '1 minute')"
            + " ORDER BY detectedAt LIMIT 500 FOR UPDATE SKIP LOCKED) t"
            + " WHERE a.eventId = t.eventId AND a.deviceId = t.deviceId AND a.detector = t.detector"
            + " RETURNING CAST(a.eventId AS text) AS \"eventId\", a.deviceId AS \"deviceId\", a.detector AS \"detector\","
            + " a.customerId AS \"customerId\", a.score AS \"score\", a.expectedLow AS \"expectedLow\","
            + " a.expectedHigh AS \"expectedHigh\", a.observed AS \"observed\","
            + " to_char(a.eventTime, 'YYYY-MM-DD HH24:MI:SS.US') AS \"eventTime\"";

    static final String MARK_ANOMALY_SENT = "UPDATE device_anomalies SET alertedAt = now()"
            + " WHERE eventId = CAST(:#eventId AS uuid) AND deviceId = :#deviceId AND detector = :#detector";

    @Override
    public void configure() {
        boolean enabled = Boolean.parseBoolean(getContext().resolvePropertyPlaceholders("{{anomaly.enabled}}").trim());

        from("direct:detect-anomalies").routeId("detect-anomalies").startupOrder(7)
                .filter(constant(enabled)).id("when-detection-is-on")
                    .process(DetectRoute::judge).id("run-detectors")
                .end();

        from("timer:publish-anomaly-alerts?period={{anomaly.alerts.pollMs}}").routeId("publish-anomaly-alerts")
                .autoStartup("{{anomaly.enabled}}")
                .to("sql:" + TAKE_UNSENT_ANOMALIES + "?dataSource=#dataSource&outputType=SelectList")
                        .id("take-unsent-anomalies")
                .split(body()).stopOnException().id("each-anomaly")
                    .setVariable("anomaly", body())
                    .setHeader(KafkaConstants.KEY, simple("${body[customerId]}"))
                    .setBody(exchange -> alert(exchange.getVariable("anomaly", java.util.Map.class)))
                    .to("kafka:{{alerts.topic}}?requestRequiredAcks=all&enableIdempotence=true&synchronous=true")
                            .id("publish-anomaly-alert")
                    .setBody(variable("anomaly"))
                    .to("sql:" + MARK_ANOMALY_SENT + "?dataSource=#dataSource").id("mark-anomaly-sent")
                    .process(exchange -> PipelineCounters.of(exchange).anomalySent(
                            exchange.getVariable("anomaly", java.util.Map.class).get("detector").toString()))
                .end();
    }

    static AnomalyDetectors detectors(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType("anomalyDetectors", AnomalyDetectors.class);
    }

    /**
     * Judges the batch's readings (the body, left as it is) and keeps the findings in {@value #ANOMALIES}. A detector
     * that fails must not hold back the readings: they are then stored without findings.
     */
    static void judge(Exchange batch) {
        @SuppressWarnings("unchecked")
        List<DeviceReading> readings = batch.getMessage().getBody(List.class);
        AnomalyDetectors detectors = detectors(batch);
        AnomalyDetectors.Judgement judged;
        try {
            judged = detectors.judge(readings.stream().map(Observation::of).toList());
        } catch (RuntimeException e) {
            LOG.warn("The anomaly detectors failed on a batch of {} readings, which is stored without findings: {}",
                    readings.size(), e.toString());
            batch.setVariable(ANOMALIES, "[]");
            return;
        }
        batch.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onFailure(Exchange failed) {
                detectors.rollback(judged);
            }
        });
        try {
            batch.setVariable(ANOMALIES, EventJson.MAPPER.writeValueAsString(Anomaly.rows(judged.found())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A stored finding as the JSON alert: {"alert":"anomaly", then the row's columns}. */
    static String alert(java.util.Map<?, ?> row) {
        java.util.Map<String, Object> alert = new java.util.LinkedHashMap<>();
        alert.put("alert", "anomaly");
        for (String column : List.of("eventId", "deviceId", "detector", "customerId", "score", "expectedLow",
                "expectedHigh", "observed", "eventTime")) {
            alert.put(column, row.get(column));
        }
        try {
            return EventJson.MAPPER.writeValueAsString(alert);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.iotpipeline.routes;


import io.iotpipeline.anomaly.BatchJudge;
import io.iotpipeline.anomaly.DetectionSettings;
import io.iotpipeline.config.Settings;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Detect stage, in the ingest pass: the anomaly detectors judge each batch's readings, as read once by the ingest
 * stage, before they are stored. The findings travel with the batch (variable {@value #ANOMALIES}) into the statement
 * that stores the readings, which stores a finding only if it inserts its reading: a batch read again after a crash,
 * a rebalance or a failed write adds no finding. If the batch cannot be stored, the detectors are rolled back to how
 * they were before it and judge it again when it is read again. Route publish-anomaly-alerts then sends each stored
 * finding as a JSON alert to {@code alerts.topic} and marks it sent.
 */
public class DetectRoute extends RouteBuilder {

    /** The exchange variable with the batch's findings, as JSON rows for store_readings. */
    static final String ANOMALIES = BatchJudge.ANOMALIES;

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
        boolean enabled = Settings.bound(getContext(), DetectionSettings.class, DetectionSettings::from).enabled();
        bindToRegistry("batchJudge", new BatchJudge());

        from("direct:detect-anomalies").routeId("detect-anomalies").startupOrder(7)
                .filter(constant(enabled)).id("when-detection-is-on")
                    .bean("batchJudge", "judge").id("run-detectors")
                .end();

        from("timer:publish-anomaly-alerts?period={{anomaly.alerts.pollMs}}").routeId("publish-anomaly-alerts")
                .autoStartup("{{anomaly.enabled}}")
                .to("sql:" + TAKE_UNSENT_ANOMALIES + "?dataSource=#dataSource&outputType=SelectList")
                        .id("take-unsent-anomalies")
                .split(body()).stopOnException().id("each-anomaly")
                    .setVariable("anomaly", body()).id("keep-anomaly")
                    .setHeader(KafkaConstants.KEY, simple("${body[customerId]}")).id("key-by-customer")
                    .transform(method("batchJudge", "alert")).id("anomaly-as-alert")
                    .to("kafka:{{alerts.topic}}?requestRequiredAcks=all&enableIdempotence=true&synchronous=true")
                            .id("publish-anomaly-alert")
                    .setBody(variable("anomaly")).id("take-anomaly")
                    .to("sql:" + MARK_ANOMALY_SENT + "?dataSource=#dataSource").id("mark-anomaly-sent")
                    .bean("batchJudge", "countSent(*, ${variable.anomaly})").id("count-alert-sent")
                .end();
    }
}

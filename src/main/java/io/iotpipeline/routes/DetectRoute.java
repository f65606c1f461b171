package io.iotpipeline.routes;

import io.iotpipeline.anomaly.BatchJudge;
import io.iotpipeline.anomaly.DetectionSettings;
import io.iotpipeline.settings.Settings;
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



    @Override
    public void configure() {
        boolean enabled = Settings.bound(getContext(), DetectionSettings.class, DetectionSettings::from).enabled();

        from("direct:detect-anomalies").routeId("detect-anomalies").startupOrder(7)
                .filter(constant(enabled)).id("when-detection-is-on")
                    .bean("batchJudge", "judge").id("run-detectors")
                .end();

        from("timer:publish-anomaly-alerts?period={{anomaly.alerts.pollMs}}").routeId("publish-anomaly-alerts")
                .autoStartup("{{anomaly.enabled}}")
                .to("sql:classpath:statements/take-unsent-anomalies.sql?dataSource=#dataSource&outputType=SelectList")
                        .id("take-unsent-anomalies")
                .split(body()).stopOnException().id("each-anomaly")
                    .setVariable("anomaly", body()).id("keep-anomaly")
                    .setHeader(KafkaConstants.KEY, simple("${body[customerId]}")).id("key-by-customer")
                    .transform(method("batchJudge", "alert")).id("anomaly-as-alert")
                    .to("kafka:{{alerts.topic}}?requestRequiredAcks=all&enableIdempotence=true&synchronous=true")
                            .id("publish-anomaly-alert")
                    .setBody(variable("anomaly")).id("take-anomaly")
                    .to("sql:classpath:statements/mark-anomaly-sent.sql?dataSource=#dataSource").id("mark-anomaly-sent")
                    .bean("batchJudge", "countSent(*, ${variable.anomaly})").id("count-alert-sent")
                .end();
    }
}

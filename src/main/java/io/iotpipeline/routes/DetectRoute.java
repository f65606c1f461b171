package io.iotpipeline.routes;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.iotpipeline.anomaly.Anomaly;
import io.iotpipeline.anomaly.AnomalyDetectors;
import io.iotpipeline.anomaly.Observation;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.EventReader;
import io.iotpipeline.domain.ReadingRules;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Detect stage: the anomaly detectors read the device stream with their own consumer group, beside the store path,
 * so a slow detector never holds back row inserts. Each finding becomes a row in {@code device_anomalies} (keyed by
 * reading and detector: replays add nothing) and a JSON alert on {@code alerts.topic}; the batch's offsets are
 * committed after both. Malformed input is the ingest stage's business (dead letters); here it is skipped.
 */
public class DetectRoute extends RouteBuilder {

    static final String INSERT_ANOMALY = "INSERT INTO device_anomalies (eventId, deviceId, detector, customerId, score,"
            + " expectedLow, expectedHigh, observed, eventTime) VALUES (CAST(:#eventId AS uuid), :#deviceId, :#detector,"
            + " :#customerId, :#score, :#expectedLow, :#expectedHigh, :#observed, CAST(:#eventTime AS timestamp))"
            + " ON CONFLICT (eventId, deviceId, detector) DO NOTHING";

    @Override
    public void configure() {
        int maxEventBytes = IngestRoute.maxEventBytes(getContext());
        // one consumer thread: the detectors' state is not shared between threads
        from(KafkaEndpoints.batchConsumer("{{anomaly.consumer.groupId}}", "1"))
                .routeId("detect-anomalies").autoStartup("{{anomaly.enabled}}")
                .process(KafkaBatchCommit::remember)
                .doTry()
                    .process(exchange -> detect(exchange, maxEventBytes)).id("run-detectors")
                    .split(body()).stopOnException().id("each-anomaly")
                        .setVariable("anomaly", body())
                        .setBody(exchange -> row(exchange.getVariable("anomaly", Anomaly.class)))
                        .to("sql:" + INSERT_ANOMALY + "?dataSource=#dataSource").id("insert-anomaly")
                        .setHeader(KafkaConstants.KEY, simple("${variable.anomaly.customerId}"))
                        .process(exchange -> exchange.getMessage().setBody(EventJson.MAPPER.writeValueAsString(
                                alert(exchange.getVariable("anomaly", Anomaly.class)))))
                        // synchronous: the batch goes on in the consumer thread, the only one that may commit
                        .to("kafka:{{alerts.topic}}?requestRequiredAcks=all&enableIdempotence=true&synchronous=true")
                                .id("publish-anomaly-alert")
                    .end()
                    .process(KafkaBatchCommit::commit).id("commit-detector-offsets")
                    .process(exchange -> detectors(exchange).commit())
                    .endDoTry()
                .doCatch(Exception.class)
                    // the batch is read again from the last commit: judge it again from the same device states
                    .process(exchange -> {
                        detectors(exchange).rollback();
                        throw exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
                    })
                .end();
    }

    static AnomalyDetectors detectors(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType("anomalyDetectors", AnomalyDetectors.class);
    }

    /**
     * The batch's readings through the detectors; the body becomes the findings. Records that are no readings are
     * skipped here: the ingest stage stores them as dead letters with the reason.
     */
    static void detect(Exchange batch, int maxEventBytes) {
        AnomalyDetectors detectors = detectors(batch);
        detectors.begin();
        List<Anomaly> found = new ArrayList<>();
        EventReader reader = IngestRoute.reader(batch, maxEventBytes);
        for (DeviceReading reading : reader.read(IngestRoute.records(batch)).readings()) {
            found.addAll(detectors.observe(Observation.of(reading)));
        }
        PipelineCounters.of(batch).anomalies(found);
        batch.getMessage().setBody(found);
    }

    static Map<String, Object> row(Anomaly anomaly) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("eventId", anomaly.eventId());
        row.put("deviceId", anomaly.deviceId());
        row.put("detector", anomaly.detector().id());
        row.put("customerId", anomaly.customerId());
        row.put("score", anomaly.score());
        row.put("expectedLow", Double.isNaN(anomaly.expectedLow()) ? null : anomaly.expectedLow());
        row.put("expectedHigh", Double.isNaN(anomaly.expectedHigh()) ? null : anomaly.expectedHigh());
        row.put("observed", anomaly.observed());
        row.put("eventTime", anomaly.eventTime().format(ReadingRules.EVENT_TIME_WRITTEN));
        return row;
    }

    static Map<String, Object> alert(Anomaly anomaly) {
        Map<String, Object> alert = new LinkedHashMap<>();
        alert.put("alert", "anomaly");
        alert.putAll(row(anomaly));
        return alert;
    }
}

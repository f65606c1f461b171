package io.iotpipeline.routes;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Store stage: writes a batch of readings in JDBC batches of {@code store.batch.rows} rows, throttled, and stores dead
 * letters. Both inserts are idempotent, so a redelivered Kafka batch adds nothing. A failed write is retried with
 * backoff; when retries run out the failure goes back to the ingest stage, which does not commit the batch.
 */
public class StoreRoute extends RouteBuilder {

    static final String INSERT_READINGS = "INSERT INTO iot_device_events (eventId, customerId, eventOffset,"
            + " eventPublisher, eventTime, deviceId, measure, status, temperature, extraFields,"
            + " kafkaTopic, kafkaPartition, kafkaOffset)"
            + " VALUES (:#eventId, :#customerId, :#eventOffset, :#eventPublisher, :#eventTime, :#deviceId, :#measure,"
            + " :#status, :#temperature, CAST(:#extraFields AS jsonb), :#kafkaTopic, :#kafkaPartition, :#kafkaOffset)"
            + " ON CONFLICT (eventId, deviceId) DO NOTHING";

    static final String INSERT_DEAD_LETTER = "INSERT INTO iot_dead_letters (deadLetterKey, reason, payload,"
            + " payloadLength, eventId, deviceId, kafkaTopic, kafkaPartition, kafkaOffset)"
            + " VALUES (:#deadLetterKey, :#reason, :#payload, :#payloadLength, :#eventId, :#deviceId, :#kafkaTopic,"
            + " :#kafkaPartition, :#kafkaOffset) ON CONFLICT (deadLetterKey) DO NOTHING";

    @Override
    public void configure() {
        errorHandler(defaultErrorHandler()
                .maximumRedeliveries(intProperty("store.retry.maxAttempts"))
                .redeliveryDelay(intProperty("store.retry.initialDelayMs"))
                .useExponentialBackOff()
                .maximumRedeliveryDelay(intProperty("store.retry.maxDelayMs"))
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logExhaustedMessageHistory(false));

        int rowsPerBatch = intProperty("store.batch.rows");
        int batchesPerSecond = intProperty("store.throttle.batchesPerSecond");

        from("direct:store-readings").routeId("store-readings")
                .split(method(StoreRoute.class, "rowBatches(${body}, " + rowsPerBatch + ")")).stopOnException()
                    .throttle(batchesPerSecond).totalRequestsMode().timePeriodMillis(1000)
                    .setVariable("rows", simple("${body.size}"))
                    .to("sql:" + INSERT_READINGS + "?batch=true&dataSource=#dataSource")
                    .bean("pipelineCounters", "rowsWritten(${variable.rows})")
                .end();

        from("direct:store-dead-letter").routeId("store-dead-letter")
                .log(LoggingLevel.DEBUG, "Dead letter ${body.deadLetterKey}: ${body.reason}")
                .bean("pipelineCounters", "deadLetter(${body.reason})")
                .setBody(exchange -> exchange.getMessage().getBody(DeadLetter.class).toRow())
                .to("sql:" + INSERT_DEAD_LETTER + "?dataSource=#dataSource");
    }

    private int intProperty(String key) {
        return Integer.parseInt(getContext().resolvePropertyPlaceholders("{{" + key + "}}").trim());
    }

    /** The readings as lists of insert parameters, at most {@code size} rows each. */
    public static List<List<Map<String, Object>>> rowBatches(List<DeviceReading> readings, int size) {
        List<List<Map<String, Object>>> batches = new ArrayList<>();
        for (int from = 0; from < readings.size(); from += size) {
            List<Map<String, Object>> rows = new ArrayList<>(Math.min(size, readings.size() - from));
            for (DeviceReading reading : readings.subList(from, Math.min(readings.size(), from + size))) {
                rows.add(reading.toRow());
            }
            batches.add(rows);
        }
        return batches;
    }
}

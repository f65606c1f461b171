package io.iotpipeline.routes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Store stage: writes a batch of readings in JDBC batches of {@code store.batch.rows} rows, throttled, and stores dead
 * letters. Both inserts are idempotent, so a redelivered Kafka batch adds nothing. A failed write is retried with
 * backoff; when retries run out the failure goes back to the ingest stage, which does not commit the batch.
 */
public class StoreRoute extends RouteBuilder {

    // Positional parameters ("#", camel-sql's stand-in for "?" in an endpoint URI), filled by insertParameters below:
    // camel-sql re-parses named parameters for every row,
    // which cost a quarter of the consumer thread's time.
    static final String INSERT_READINGS = "INSERT INTO iot_device_events (eventId, customerId, eventOffset,"
            + " eventPublisher, eventTime, deviceId, measure, status, temperature, extraFields,"
            + " kafkaTopic, kafkaPartition, kafkaOffset)"
            + " VALUES (#, #, #, #, #, #, #, #, #, CAST(# AS jsonb), #, #, #)"
            + " ON CONFLICT (eventId, deviceId) DO NOTHING";

    /** The parameters of {@link #INSERT_READINGS}, in its column order. */
    static List<Object> insertParameters(DeviceReading r) {
        return Arrays.asList(r.eventId(), r.customerId(), r.eventOffset(), r.eventPublisher(), r.eventTime(),
                r.deviceId(), r.measure(), r.status(), r.temperature(), r.extraFields(), r.source().topic(),
                r.source().partition(), r.source().offset());
    }

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
                // on shutdown the uncommitted batch is simply read again at the next start: no reason to wait
                .allowRedeliveryWhileStopping(false)
                .logExhaustedMessageHistory(false));

        int rowsPerBatch = intProperty("store.batch.rows");
        int batchesPerSecond = intProperty("store.throttle.batchesPerSecond");

        from("direct:store-readings").routeId("store-readings")
                .split(method(StoreRoute.class, "rowBatches(${body}, " + rowsPerBatch + ")")).stopOnException()
                        .id("aggregate-into-row-batches")
                    .throttle(batchesPerSecond).totalRequestsMode().timePeriodMillis(1000).id("throttle-batches")
                    .process(exchange -> exchange.setVariable("rows", exchange.getMessage().getBody(List.class).size()))
                    .to("sql:" + INSERT_READINGS + "?batch=true&dataSource=#dataSource").id("insert-readings")
                    .process(exchange -> counters(exchange).rowsWritten(exchange.getVariable("rows", Integer.class)))
                .end();

        from("direct:store-dead-letter").routeId("store-dead-letter")
                .log(LoggingLevel.DEBUG, "Dead letter ${body.deadLetterKey}: ${body.reason}")
                .process(exchange -> counters(exchange).deadLetter(exchange.getMessage().getBody(DeadLetter.class).reason()))
                .setBody(exchange -> exchange.getMessage().getBody(DeadLetter.class).toRow())
                .to("sql:" + INSERT_DEAD_LETTER + "?dataSource=#dataSource");
    }

    static PipelineCounters counters(Exchange exchange) {
        return exchange.getContext().getRegistry().lookupByNameAndType("pipelineCounters", PipelineCounters.class);
    }

    private int intProperty(String key) {
        return Integer.parseInt(getContext().resolvePropertyPlaceholders("{{" + key + "}}").trim());
    }

    /** The readings as lists of insert parameters, at most {@code size} rows each. */
    public static List<List<List<Object>>> rowBatches(List<DeviceReading> readings, int size) {
        List<List<List<Object>>> batches = new ArrayList<>();
        for (int from = 0; from < readings.size(); from += size) {
            List<List<Object>> rows = new ArrayList<>(Math.min(size, readings.size() - from));
            for (DeviceReading reading : readings.subList(from, Math.min(readings.size(), from + size))) {
                rows.add(insertParameters(reading));
            }
            batches.add(rows);
        }
        return batches;
    }
}

package io.iotpipeline.routes;

import java.util.ArrayList;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.ReadingColumns;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.dao.DataAccessException;

/**
 * Store stage: writes a batch of readings in JDBC batches of {@code store.batch.rows} rows, throttled, and stores dead
 * letters. Both inserts are idempotent, so a redelivered Kafka batch adds nothing. A failed write is retried with
 * backoff; when retries run out the failure goes back to the ingest stage, which does not commit the batch. A batch the
 * database rejects as bad data is written row by row, and only the rejected rows become dead letters.
 */
public class StoreRoute extends RouteBuilder {

    // A row batch is one call with one typed array per column (ReadingColumns): the function inserts the rows and
    // updates the analytics from exactly the rows it inserted, in one statement (sql/R__reading_analytics.sql).
    // "#" is camel-sql's positional parameter in an endpoint URI.
    static final String STORE_READINGS = "SELECT store_readings(CAST(# AS uuid[]), CAST(# AS text[]), #,"
            + " CAST(# AS text[]), CAST(# AS timestamp[]), CAST(# AS text[]), CAST(# AS text[]), CAST(# AS text[]), #, #,"
            + " #, CAST(# AS jsonb[]), CAST(# AS text[]), #, #, CAST(# AS timestamptz[]), #, CAST(# AS jsonb)) AS stored";

    static final String INSERT_DEAD_LETTER = "INSERT INTO iot_dead_letters (deadLetterKey, reason, payload,"
            + " payloadLength, eventId, deviceId, kafkaTopic, kafkaPartition, kafkaOffset)"
            + " VALUES (:#deadLetterKey, :#reason, :#payload, :#payloadLength, :#eventId, :#deviceId, :#kafkaTopic,"
            + " :#kafkaPartition, :#kafkaOffset) ON CONFLICT (deadLetterKey) DO NOTHING";

    @Override
    public void configure() {
        errorHandler(DatabaseRetries.withBackoff(this));

        int rowsPerBatch = DatabaseRetries.intProperty(getContext(), "store.batch.rows");
        int batchesPerSecond = DatabaseRetries.intProperty(getContext(), "store.throttle.batchesPerSecond");

        // A row the database rejects as bad data is not retried: retrying cannot change the answer.
        // The row-by-row fallback logs the failure, so no ERROR stack trace either.
        onException(DataAccessException.class, SQLException.class).onWhen(StoreRoute::rejectedAsBadData)
                .maximumRedeliveries(0).logExhausted(false);

        from("direct:store-readings").routeId("store-readings").startupOrder(5)
                .setBody(exchange -> rowBatches(exchange.getMessage().getBody(List.class), rowsPerBatch))
                        .id("aggregate-into-row-batches")
                .split(body()).stopOnException()
                    .throttle(batchesPerSecond).totalRequestsMode().timePeriodMillis(1000).id("throttle-batches")
                    .to("direct:write-row-batch")
                    .process(exchange -> PipelineCounters.of(exchange).rowsWritten(exchange.getVariable("readings", List.class).size()))
                .end();

        // batch size and write latency as Prometheus series: iot_write_batch_rows, iot_write_batch_seconds
        from("direct:write-row-batch").routeId("write-row-batch").startupOrder(4)
                .setVariable("readings", body())
                // a header, not ${body.size}: simple's method call on the body would hash every reading (bean cache key)
                .process(exchange -> exchange.getMessage().setHeader("iotBatchRows",
                        exchange.getMessage().getBody(List.class).size()))
                .to("micrometer:summary:iot.write.batch.rows?value=${header.iotBatchRows}").id("measure-batch-size")
                .to("micrometer:timer:iot.write.batch?action=start")
                .doTry()
                    .to("direct:insert-readings")
                .doCatch(Exception.class).onWhen(StoreRoute::rejectedAsBadData)
                    // one row the database rejects must not hold back its batch: store that batch row by row
                    .setBody(variable("readings"))
                    .process(exchange -> exchange.setProperty("countedEvents", new HashSet<ReadingColumns.EventKey>()))
                    .process(exchange -> exchange.setVariable("rejection", firstLine(exchange.getProperty(
                            Exchange.EXCEPTION_CAUGHT, Exception.class))))
                    .log(LoggingLevel.WARN, "The database rejected a batch of ${body.size} rows"
                            + " (${variable.rejection}); storing it row by row")
                    .split(body()).stopOnException()
                        .to("direct:insert-one-reading")
                    .end()
                .end()
                .to("micrometer:timer:iot.write.batch?action=stop").id("measure-write-latency");

        from("direct:insert-readings").routeId("insert-readings").startupOrder(3)
                .setBody(exchange -> ReadingColumns.of(exchange.getMessage().getBody(List.class), anomalies(exchange)))
                .to("sql:" + STORE_READINGS + "?dataSource=#dataSource&outputType=SelectOne").id("insert-readings-batch");

        // Row by row, the first reading of each event the database accepts counts the event (ReadingColumns): the
        // events already counted in this batch are kept in the exchange property "countedEvents".
        from("direct:insert-one-reading").routeId("insert-one-reading").startupOrder(2)
                .setProperty("reading", body())
                .doTry()
                    .setBody(exchange -> {
                        DeviceReading reading = exchange.getMessage().getBody(DeviceReading.class);
                        return ReadingColumns.of(reading, !countedEvents(exchange).contains(ReadingColumns.eventKey(reading)),
                                anomalies(exchange));
                    })
                    .to("sql:" + STORE_READINGS + "?dataSource=#dataSource&outputType=SelectOne").id("insert-reading")
                    .process(exchange -> countedEvents(exchange).add(ReadingColumns.eventKey(
                            exchange.getProperty("reading", DeviceReading.class))))
                .doCatch(Exception.class).onWhen(StoreRoute::rejectedAsBadData)
                    .setBody(exchange -> DeadLetter.ofRejectedReading(
                            exchange.getProperty("reading", DeviceReading.class),
                            "rejected by the database: " + firstLine(exchange.getProperty(
                                    Exchange.EXCEPTION_CAUGHT, Exception.class))))
                    .to("direct:store-dead-letter")
                .end();

        // daily partitions of iot_device_events ahead of time, and the retention (sql/V6__partition_readings_by_event_time.sql)
        from("timer:maintain-partitions?period={{readings.partitions.checkIntervalMs}}&delay=1000")
                .routeId("maintain-partitions")
                .to("sql:SELECT create_reading_partitions(CAST(now() AT TIME ZONE 'UTC' AS date),"
                        + " {{readings.partitions.daysAhead}}) AS created, CASE WHEN {{readings.retentionDays}} > 0"
                        + " THEN drop_reading_partitions(CAST(now() AT TIME ZONE 'UTC' AS date) - {{readings.retentionDays}})"
                        + " ELSE 0 END AS dropped?dataSource=#dataSource&outputType=SelectOne").id("create-and-drop-partitions")
                .filter(simple("${body[created]} > 0 || ${body[dropped]} > 0"))
                    .log("Partitions of iot_device_events: ${body[created]} created ahead,"
                            + " ${body[dropped]} dropped (older than {{readings.retentionDays}} days)")
                .end();

        from("direct:store-dead-letter").routeId("store-dead-letter").startupOrder(1)
                .log(LoggingLevel.DEBUG, "Dead letter ${body.deadLetterKey}: ${body.reason}")
                .process(exchange -> PipelineCounters.of(exchange).deadLetter(exchange.getMessage().getBody(DeadLetter.class).reason()))
                .setBody(exchange -> exchange.getMessage().getBody(DeadLetter.class).toRow())
                .to("sql:" + INSERT_DEAD_LETTER + "?dataSource=#dataSource");
    }

    /**
     * The readings in batches of about {@code size} rows. An event's readings stay in one batch: the batch that
     * stores its first reading counts the event (ReadingColumns).
     */
    public static List<List<DeviceReading>> rowBatches(List<DeviceReading> readings, int size) {
        List<List<DeviceReading>> batches = new ArrayList<>();
        int from = 0;
        while (from < readings.size()) {
            int to = Math.min(readings.size(), from + size);
            while (to < readings.size() && ReadingColumns.eventKey(readings.get(to))
                    .equals(ReadingColumns.eventKey(readings.get(to - 1)))) {
                to++;
            }
            batches.add(new ArrayList<>(readings.subList(from, to)));
            from = to;
        }
        return batches;
    }

    /** The detectors' findings for the Kafka batch (DetectRoute), stored with their readings. */
    static String anomalies(Exchange exchange) {
        return exchange.getVariable(DetectRoute.ANOMALIES, String.class);
    }

    @SuppressWarnings("unchecked")
    static Set<ReadingColumns.EventKey> countedEvents(Exchange exchange) {
        return exchange.getProperty("countedEvents", Set.class);
    }

    /**
     * Whether PostgreSQL refused the data itself (SQLSTATE class 22, data exception, or 23, integrity constraint
     * violation), as opposed to being unreachable or overloaded, which a retry can cure.
     */
    static boolean rejectedAsBadData(Exchange exchange) {
        Throwable error = exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return rejectedAsBadData(error);
    }

    static boolean rejectedAsBadData(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    String state = next.getSQLState();
                    if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    static String firstLine(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(root.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

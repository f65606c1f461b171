package io.iotpipeline.routes;

import io.iotpipeline.store.ReadingStore;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Store stage: writes a batch of readings in JDBC batches of {@code store.batch.rows} rows (or its pipeline instance's
 * {@code rowsPerBatch}), throttled, and stores dead
 * letters. Both inserts are idempotent, so a redelivered Kafka batch adds nothing. A failed write is retried with
 * backoff ({@link DatabaseRetriesConfiguration}); when retries run out the failure goes back to the ingest stage, which does not commit the batch. A batch the
 * database rejects as bad data is written row by row, and only the rejected rows become dead letters.
 */
public class StoreRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:store-readings").routeId("store-readings").startupOrder(5)
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .transform(method("readingStore", "rowBatches")).id("aggregate-into-row-batches")
                .split(body()).stopOnException().id("split-row-batches")
                    // each pipeline instance its own throttle (its batchesPerSecond, else store.throttle.*)
                    .throttle(method("readingStore", "batchesPerSecond")).totalRequestsMode().timePeriodMillis(1000)
                            .correlationExpression(simple("${fromRouteId}")).id("throttle-batches")
                    .to("direct:write-row-batch").id("write-each-row-batch")
                    .bean("readingStore", "countRowsWritten").id("count-rows-written")
                .end();

        // batch size and write latency as Prometheus series: iot_write_batch_rows, iot_write_batch_seconds
        from("direct:write-row-batch").routeId("write-row-batch").startupOrder(4)
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .setVariable(ReadingStore.ROW_BATCH, body()).id("keep-row-batch")
                // a header from a bean, not ${body.size}: simple's method call on the body would hash every reading
                .setHeader("iotBatchRows", method("readingStore", "size")).id("note-batch-size")
                .to("micrometer:summary:iot.write.batch.rows?value=${header.iotBatchRows}").id("measure-batch-size")
                .to("micrometer:timer:iot.write.batch?action=start").id("start-write-timer")
                .doTry().id("try-the-row-batch")
                    .to("direct:insert-readings").id("insert-row-batch")
                .doCatch(Exception.class).onWhen(ReadingStore::rejectedAsBadData).id("when-rejected-as-bad-data")
                    // one row the database rejects must not hold back its batch: store that batch row by row
                    .setBody(variable(ReadingStore.ROW_BATCH)).id("take-row-batch")
                    .setVariable("rejection", method("readingStore", "startRowByRow")).id("note-rejection")
                    .log(LoggingLevel.WARN, "The database rejected a batch of ${variable.readings.size} rows"
                            + " (${variable.rejection}); storing it row by row").id("log-row-by-row")
                    .split(body()).stopOnException().id("split-rows")
                        .to("direct:insert-one-reading").id("insert-each-reading")
                    .end()
                .end()
                .to("micrometer:timer:iot.write.batch?action=stop").id("measure-write-latency");

        from("direct:insert-readings").routeId("insert-readings").startupOrder(3)
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .transform(method("readingStore", "columns")).id("readings-as-columns")
                .to("sql:classpath:statements/store-readings.sql?dataSource=#dataSource&outputType=SelectOne").id("insert-readings-batch");

        // Row by row, the first reading of each event the database accepts counts the event (ReadingColumns): the
        // events already counted in this batch are kept in the exchange property "countedEvents".
        from("direct:insert-one-reading").routeId("insert-one-reading").startupOrder(2)
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .setVariable("reading", body()).id("keep-reading")
                .doTry().id("try-the-reading")
                    .transform(method("readingStore", "oneRowColumns")).id("reading-as-columns")
                    .to("sql:classpath:statements/store-readings.sql?dataSource=#dataSource&outputType=SelectOne").id("insert-reading")
                    .bean("readingStore", "countEvent(*, ${variable.reading})").id("count-its-event")
                .doCatch(Exception.class).onWhen(ReadingStore::rejectedAsBadData).id("when-reading-rejected")
                    .transform(method("readingStore", "rejectedReading(*, ${variable.reading})"))
                            .id("reading-as-dead-letter")
                    .to("direct:store-dead-letter").id("store-rejected-reading")
                .end();

        // daily partitions of iot_device_events ahead of time, and the retention (sql/V6__partition_readings_by_event_time.sql)
        from("timer:maintain-partitions?period={{readings.partitions.checkIntervalMs}}&delay=1000")
                .routeId("maintain-partitions")
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .setHeader("daysAhead", constant("{{readings.partitions.daysAhead}}")).id("days-ahead")
                .setHeader("retentionDays", constant("{{readings.retentionDays}}")).id("retention-days")
                .to("sql:classpath:statements/maintain-partitions.sql?dataSource=#dataSource&outputType=SelectOne").id("create-and-drop-partitions")
                .filter(simple("${body[created]} > 0 || ${body[dropped]} > 0")).id("when-partitions-changed")
                    .log("Partitions of iot_device_events: ${body[created]} created ahead,"
                            + " ${body[dropped]} dropped (older than {{readings.retentionDays}} days)").id("log-partitions")
                .end();

        from("direct:store-dead-letter").routeId("store-dead-letter").startupOrder(1)
                .routeConfigurationId(DatabaseRetriesConfiguration.WRITES)
                .log(LoggingLevel.DEBUG, "Dead letter ${body.deadLetterKey}: ${body.reason}").id("log-dead-letter")
                .transform(method("readingStore", "deadLetterRow")).id("dead-letter-as-row")
                .to("sql:classpath:statements/insert-dead-letter.sql?dataSource=#dataSource").id("insert-dead-letter");
    }
}

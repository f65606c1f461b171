package io.iotpipeline.routes;

import io.iotpipeline.config.Settings;
import io.iotpipeline.ingest.IngestBatch;
import io.iotpipeline.ingest.IngestSettings;
import io.iotpipeline.ingest.KafkaEndpoints;
import org.apache.camel.builder.RouteBuilder;

/**
 * Ingest stage: consumes {@code device_stream} in batches, reads each record's event, splits {@code data.devices} into
 * readings and sends the bad ones to dead letters, then hands the batch to the lateness, detection and store stages.
 * The reading itself is plain Java ({@link IngestBatch}, {@code EventReader}: one call per Kafka batch, not one
 * exchange per record and per device).
 * <p>
 * Delivery guarantee: a batch is processed synchronously in the consumer thread and its offsets are committed only
 * after the store stage has committed its rows. Auto-commit is off; on any failure the batch is not committed and
 * {@code breakOnFirstError} makes the consumer re-read from the last committed offsets, so each reading is delivered
 * at least once and stored once by the idempotent insert.
 * <p>
 * The inner stages (the {@code direct:} routes) have a startup order, so they start before and stop after the routes
 * that consume from outside (Camel stops routes in reverse start order): on SIGTERM the batch in flight still finds
 * every stage, is written and committed, and only then does the consumer stop.
 */
public class IngestRoute extends RouteBuilder {

    @Override
    public void configure() {
        bindToRegistry("ingestBatch", new IngestBatch(Settings.bound(getContext(), IngestSettings.class, IngestSettings::from).maxEventBytes()));

        from(KafkaEndpoints.batchConsumer("{{kafka.consumer.groupId}}", "{{kafka.consumer.threads}}"))
                .routeId("ingest").autoStartup("{{store.enabled}}")
                .bean("ingestBatch", "rememberOffsets").id("remember-offsets")
                .bean("ingestBatch", "readEvents").id("unmarshal-events")
                .split(variable(IngestBatch.DEAD_LETTERS)).stopOnException().id("split-dead-letters")
                    .to("direct:store-dead-letter").id("store-each-dead-letter")
                .end()
                .to("direct:classify-lateness").id("flag-late-readings")
                .to("direct:detect-anomalies").id("judge-readings")
                .setVariable(IngestBatch.READINGS, body()).id("keep-classified-readings")
                .to("direct:store-readings").id("store-readings-with-analytics")
                // routes loaded from files (routes/*.yaml) get the stored readings here, not from the topic again
                .bean("ingestBatch", "storedReadings").id("take-stored-readings")
                .to("direct:readings-stored?block=false&failIfNoConsumers=false").id("hand-on-stored-readings")
                .bean("ingestBatch", "commitOffsets").id("commit-offsets");
    }
}

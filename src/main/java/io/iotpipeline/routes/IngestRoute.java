package io.iotpipeline.routes;

import io.iotpipeline.ingest.DeviceEventsFormat;
import io.iotpipeline.ingest.EventReader;
import io.iotpipeline.ingest.IngestBatch;
import io.iotpipeline.ingest.IngestInstance;
import io.iotpipeline.ingest.KafkaEndpoints;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.StepCounts;
import org.apache.camel.RouteTemplateContext;
import org.apache.camel.builder.RouteBuilder;

/**
 * Ingest stage, as the route template {@value #TEMPLATE}: one instance per Kafka topic of device events, each feeding
 * the same stages and store. Its batch consumer already aggregates records: one exchange is one Kafka batch. It
 * unmarshals the records' events (data format {@link DeviceEventsFormat}), splits {@code data.devices} into readings,
 * filters them by the reading rules ({@code readings.*}) and sends the refused ones to dead letters, then hands the
 * batch to the lateness, detection and store stages. Each step is one call per Kafka batch, in plain Java
 * ({@link EventReader}), not one exchange per record and per device; it counts in the domain's units
 * ({@link StepCounts}).
 * <p>
 * The shipped instance is route {@code ingest} on {@code kafka.topic}; another topic is another instance, added by
 * properties alone ({@code camel.route-template[id].*}, docs/operations.md).
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

    /** The route template of a Kafka topic's pipeline into the store. */
    public static final String TEMPLATE = "kafka-to-store";

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("topic", null, "the Kafka topic of device events")
                // one group per instance: two instances in one group would rebalance, and break, each other's commits
                .templateParameter("groupId", null, "the consumer group, one per instance")
                .templateParameter("threads", "{{kafka.consumer.threads}}", "consumer threads (at most the partitions)")
                .templateParameter("maxEvents", "{{store.batch.maxEvents}}", "records per Kafka batch at most")
                .templateParameter("maxWaitMs", "{{store.batch.maxWaitMs}}", "how long a batch waits to fill")
                .templateParameter("enabled", "{{store.enabled}}", "whether the instance starts")
                .templateParameter("statuses", "{{readings.statuses}}", "the statuses whose readings are stored")
                .templateParameter("rowsPerBatch", "{{store.batch.rows}}", "readings per database statement, about")
                .templateParameter("batchesPerSecond", "{{store.throttle.batchesPerSecond}}",
                        "the instance's database statements per second at most")
                // checked when the route is created: a bad value stops the start, naming the parameter
                .templateBean("instance", IngestInstance.class, template -> IngestInstance.of(
                        template.getCamelContext().getRegistry().lookupByNameAndType("readingRules", ReadingRules.class),
                        parameter(template, "statuses"), parameter(template, "rowsPerBatch"),
                        parameter(template, "batchesPerSecond")))
                .from(KafkaEndpoints.batchConsumer("{{topic}}", "{{groupId}}", "{{threads}}", "{{maxEvents}}",
                        "{{maxWaitMs}}"))
                .autoStartup("{{enabled}}")
                // the batch consumer has aggregated the topic's records: one exchange is one Kafka batch, each step
                // below works on all of it at once and counts in the domain's units (JMX type=steps, in Hawtio)
                .bean("ingestBatch", "rememberOffsets").id("remember-offsets")
                // the instance's reading rules, row batch size and throttle travel with the batch to the shared stages
                .bean("{{instance}}", "applyTo").id("instance-settings")
                // the data format as an endpoint: Hawtio 4.2's diagram leaves out an unmarshal step with a custom format
                .to("dataformat:" + DeviceEventsFormat.NAME + ":unmarshal").id("unmarshal-events")
                .bean("ingestBatch", "splitDevices").id("split-devices")
                .bean("ingestBatch", "filterReadings").id("filter-readings")
                .split(variable(IngestBatch.DEAD_LETTERS)).stopOnException().id("split-dead-letters")
                    .to("direct:store-dead-letter").id("store-each-dead-letter")
                .end()
                .to("direct:classify-lateness").id("flag-late-readings")
                .to("direct:before-store").id("routes-before-store")
                .to("direct:detect-anomalies").id("judge-readings")
                .setVariable(IngestBatch.READINGS, body()).id("keep-classified-readings")
                .to("direct:store-readings").id("store-readings-with-analytics")
                // routes loaded from files (routes/*.yaml) get the stored readings here, not from the topic again
                .bean("ingestBatch", "storedReadings").id("take-stored-readings")
                .to("direct:readings-stored?block=false&failIfNoConsumers=false&synchronous=true")
                        .id("hand-on-stored-readings")
                .bean("ingestBatch", "commitOffsets").id("commit-offsets");

        // the shipped pipeline: kafka.topic with the kafka.* and store.batch.* settings
        templatedRoute(TEMPLATE).routeId("ingest").parameter("topic", "{{kafka.topic}}")
                .parameter("groupId", "{{kafka.consumer.groupId}}");

        // routes loaded from files may enrich or drop readings here (docs/operations.md): what they drop, or the whole
        // batch when they fail, becomes dead letters with the reason
        from("direct:before-store").routeId("before-store").startupOrder(8)
                .setBody(method("ingestBatch", "readingsToStore")).id("readings-to-store")
                .setVariable(IngestBatch.BEFORE_STORE, body()).id("keep-readings-to-store")
                .doTry().id("try-routes-before-store")
                    // synchronous: an asynchronous step in such a route must not move the batch off the consumer
                    // thread, the only one that may commit its offsets
                    .to("direct:readings-before-store?block=false&failIfNoConsumers=false&synchronous=true")
                            .id("hand-readings-to-routes-before-store")
                    .setBody(method("ingestBatch", "readingsAnswered")).id("take-readings-answered")
                // a failure a retry may cure (a server away) fails the batch, which is read again; any other one drops it
                .doCatch(Exception.class).onWhen(IngestBatch::failedForGood).id("when-a-route-before-store-fails")
                    .setBody(method("ingestBatch", "readingsOfFailedRoute")).id("drop-readings-of-failed-route")
                .end()
                .split(simple("${body.dropped}")).stopOnException().id("split-dropped-readings")
                    .to("direct:store-dead-letter").id("store-each-dropped-reading")
                .end()
                .setBody(simple("${body.readings}")).id("readings-kept");
    }

    private static String parameter(RouteTemplateContext template, String name) {
        return template.getCamelContext().resolvePropertyPlaceholders(template.getProperty(name, String.class));
    }
}

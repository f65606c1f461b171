package io.iotpipeline.routes;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.InvalidEventException;
import io.iotpipeline.domain.ReadingRules;
import io.iotpipeline.domain.RecordValue;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Expression;
import org.apache.camel.support.ExpressionAdapter;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jackson.JacksonDataFormat;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.util.ObjectHelper;

/**
 * Ingest stage: consumes {@code device_stream} in batches, unmarshals each event, splits {@code data.devices} into
 * readings and filters the bad ones into dead letters, then hands the batch to the store stage.
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
        JacksonDataFormat eventJson = new JacksonDataFormat(EventJson.MAPPER, DeviceEvent.class);
        int maxEventBytes = maxEventBytes(getContext());

        from(KafkaEndpoints.batchConsumer("{{kafka.consumer.groupId}}", "{{kafka.consumer.threads}}"))
                .routeId("ingest").autoStartup("{{store.enabled}}")
                .process(KafkaBatchCommit::remember)
                .split(body(), new ReadingCollector()).stopOnException().id("each-kafka-record")
                    // the raw bytes are what Jackson reads; the SourceRecord keeps them as text for dead letters
                    .process(exchange -> exchange.setVariable(RECORD_VALUE,
                            exchange.getMessage().getBody(Exchange.class).getMessage().getBody(byte[].class)))
                    .setBody(IngestRoute::sourceRecord)
                    .to("direct:read-event")
                .end()
                .to("direct:classify-lateness")
                .to("direct:store-readings")
                .process(KafkaBatchCommit::commit).id("commit-kafka-offsets")
                .process(exchange -> PipelineCounters.of(exchange).batchCommitted(
                        exchange.getProperty(KafkaBatchCommit.PROPERTY, KafkaBatchCommit.class).records()));

        // Bad input becomes a dead letter inside doTry/doCatch rather than a handled onException: a handled failure in
        // a split's sub-exchange would end the whole Kafka batch's route early, skipping the store and commit steps.
        from("direct:read-event").routeId("read-event").startupOrder(7)
                .setProperty("source", body())
                .setBody(variable(RECORD_VALUE))
                .doTry()
                    .process(exchange -> RecordValue.check(exchange.getMessage().getBody(byte[].class), maxEventBytes))
                            .id("check-record-size")
                    .unmarshal(eventJson).id("unmarshal-event")
                    .process(exchange -> exchange.getMessage().setBody(
                            ReadingRules.checkEvent(exchange.getMessage().getBody(DeviceEvent.class)))).id("check-event")
                    // the collector aggregates the accepted readings; rejected devices are filtered to dead letters
                    .split(DEVICE_READINGS, new ReadingCollector()).stopOnException().id("split-data-devices")
                        .filter(body().isInstanceOf(DeadLetter.class)).id("filter-bad-readings")
                            .to("direct:store-dead-letter")
                        .end()
                    .endDoTry()
                .doCatch(JsonProcessingException.class, InvalidEventException.class)
                    .setBody(IngestRoute::unreadableEvent)
                    .to("direct:store-dead-letter")
                .end();
    }

    /** data.devices of a checked event as one item per device: a DeviceReading, or a DeadLetter saying why not. */
    static final Expression DEVICE_READINGS = new ExpressionAdapter() {
        @Override
        public Object evaluate(Exchange exchange) {
            return exchange.getContext().getRegistry().lookupByNameAndType("readingRules", ReadingRules.class)
                    .readings(exchange.getMessage().getBody(ReadingRules.CheckedEvent.class),
                            exchange.getProperty("source", SourceRecord.class));
        }

        @Override
        public String toString() {
            return "data.devices";
        }
    };

    static final String RECORD_VALUE = "recordValue";

    static int maxEventBytes(CamelContext context) {
        return Integer.parseInt(context.resolvePropertyPlaceholders("{{ingest.maxEventBytes}}").trim());
    }

    static SourceRecord sourceRecord(Exchange exchange) {
        Exchange record = exchange.getMessage().getBody(Exchange.class);
        var message = record.getMessage();
        return new SourceRecord(message.getHeader(KafkaConstants.TOPIC, String.class),
                message.getHeader(KafkaConstants.PARTITION, Integer.class),
                message.getHeader(KafkaConstants.OFFSET, Long.class),
                message.getHeader(KafkaConstants.KEY, String.class),
                RecordValue.text(message.getBody(byte[].class)),
                message.getHeader(KafkaConstants.TIMESTAMP, -1L, Long.class));
    }

    static DeadLetter unreadableEvent(Exchange exchange) {
        SourceRecord source = exchange.getProperty("source", SourceRecord.class);
        Exception caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        JsonProcessingException json = ObjectHelper.getException(JsonProcessingException.class, caught);
        InvalidEventException invalid = ObjectHelper.getException(InvalidEventException.class, caught);
        String reason = json != null ? "not a readable event: " + json.getOriginalMessage()
                : invalid != null ? invalid.getMessage() : String.valueOf(caught);
        String eventId = exchange.getMessage().getBody() instanceof DeviceEvent event ? event.eventId() : null;
        return DeadLetter.ofEvent(source, reason, eventId);
    }
}

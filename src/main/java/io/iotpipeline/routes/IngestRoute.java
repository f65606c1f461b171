package io.iotpipeline.routes;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.domain.EventReader;
import io.iotpipeline.domain.ReadingRules;
import io.iotpipeline.domain.RecordValue;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.StoredReadings;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * Ingest stage: consumes {@code device_stream} in batches, reads each record's event, splits {@code data.devices} into
 * readings and sends the bad ones to dead letters, then hands the batch to the store stage. The reading itself is
 * plain Java ({@link EventReader}: one call per Kafka batch, not one exchange per record and per device).
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
        int maxEventBytes = maxEventBytes(getContext());

        from(KafkaEndpoints.batchConsumer("{{kafka.consumer.groupId}}", "{{kafka.consumer.threads}}"))
                .routeId("ingest").autoStartup("{{store.enabled}}")
                .process(KafkaBatchCommit::remember)
                .setBody(exchange -> reader(exchange, maxEventBytes).read(records(exchange))).id("read-events")
                .setVariable("read", body())
                // plain getters, not simple's ${body.deadLetters}: that goes through the bean cache, whose key hashes
                // the whole batch (every reading) on each call, 5 % of the pipeline's CPU in a profile
                .setBody(exchange -> exchange.getVariable("read", EventReader.Read.class).deadLetters())
                .split(body()).stopOnException().id("each-dead-letter")
                    .to("direct:store-dead-letter")
                .end()
                .setBody(exchange -> exchange.getVariable("read", EventReader.Read.class).readings())
                .to("direct:classify-lateness")
                .to("direct:detect-anomalies")
                .setVariable("batchReadings", body())
                .to("direct:store-readings")
                // routes loaded from files (routes/*.yaml) get the stored readings here, not from the topic again
                .setBody(exchange -> new StoredReadings(exchange.getVariable("batchReadings", List.class)))
                .to("direct:readings-stored?block=false&failIfNoConsumers=false").id("hand-on-stored-readings")
                .process(KafkaBatchCommit::commit).id("commit-kafka-offsets")
                .process(exchange -> PipelineCounters.of(exchange).batchCommitted(
                        exchange.getProperty(KafkaBatchCommit.PROPERTY, KafkaBatchCommit.class).records()));
    }

    static EventReader reader(Exchange exchange, int maxEventBytes) {
        return new EventReader(exchange.getContext().getRegistry().lookupByNameAndType("readingRules",
                ReadingRules.class), maxEventBytes);
    }

    /** The Kafka batch (one exchange per record, camel-kafka's batching mode) as records with their bytes. */
    static List<EventReader.Record> records(Exchange batch) {
        List<?> exchanges = batch.getMessage().getBody(List.class);
        List<EventReader.Record> records = new ArrayList<>(exchanges.size());
        for (Object item : exchanges) {
            var message = ((Exchange) item).getMessage();
            byte[] value = message.getBody(byte[].class);
            records.add(new EventReader.Record(new SourceRecord(message.getHeader(KafkaConstants.TOPIC, String.class),
                    message.getHeader(KafkaConstants.PARTITION, Integer.class),
                    message.getHeader(KafkaConstants.OFFSET, Long.class),
                    message.getHeader(KafkaConstants.KEY, String.class),
                    RecordValue.text(value),
                    message.getHeader(KafkaConstants.TIMESTAMP, -1L, Long.class)), value));
        }
        return records;
    }

    static int maxEventBytes(CamelContext context) {
        return Integer.parseInt(context.resolvePropertyPlaceholders("{{ingest.maxEventBytes}}").trim());
    }
}

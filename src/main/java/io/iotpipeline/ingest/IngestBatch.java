package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.store.StoredReadings;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The steps of the ingest route on one consumed Kafka batch (bean {@code ingestBatch}): remember its offsets, read
 * its events into readings and dead letters, hand the stored readings on, commit the offsets. Each is one call per
 * batch, not per record.
 */
public final class IngestBatch {

    /** Exchange variables the route reads: the batch's readings (as classified later on) and its dead letters. */
    public static final String READINGS = "batchReadings";
    public static final String DEAD_LETTERS = "deadLetters";
    /** Exchange variable: the readings as handed to the routes before the store. */
    public static final String BEFORE_STORE = "readingsBeforeStore";
    /** Where routes loaded from files take the readings before the store. */
    public static final String BEFORE_STORE_ENDPOINT = "direct://readings-before-store";
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(IngestBatch.class);
    private static final String RECORDS = "batchRecords";

    private final int maxEventBytes;

    public IngestBatch(int maxEventBytes) {
        this.maxEventBytes = maxEventBytes;
    }

    /** First, in the consumer thread: the batch's records, and the offsets to commit once they are stored. */
    public void rememberOffsets(Exchange batch) {
        List<EventReader.Record> records = records(batch);
        batch.setVariable(RECORDS, records);
        KafkaBatchCommit.remember(batch, records);
    }

    /** Reads every record's event once: its readings become the body, the rest dead letters (variables too). */
    public List<?> readEvents(Exchange batch) {
        EventReader reader = new EventReader(batch.getContext().getRegistry().lookupByNameAndType("readingRules",
                ReadingRules.class), maxEventBytes);
        EventReader.Read read = reader.read(batch.getVariable(RECORDS, List.class));
        batch.setVariable(READINGS, read.readings());
        batch.setVariable(DEAD_LETTERS, read.deadLetters());
        return read.readings();
    }

    /** What routes loaded from files receive before the store: the batch's valid readings (the body). */
    public ReadingsToStore readingsToStore(Exchange batch) {
        return new ReadingsToStore(batch.getMessage().getBody(List.class));
    }

    /**
     * What a route before the store answered. A failing route, or one that answers anything else, drops the whole
     * batch into dead letters with the reason: the batch is neither lost nor retried for ever, and the consumer goes on.
     */
    public ReadingsToStore afterBeforeStoreRoutes(Exchange batch) {
        Object body = batch.getMessage().getBody();
        Exception failure = batch.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (failure == null && body instanceof ReadingsToStore answered) {
            return answered;
        }
        ReadingsToStore asGiven = batch.getVariable(BEFORE_STORE, ReadingsToStore.class);
        String route = batch.getContext().getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith(BEFORE_STORE_ENDPOINT))
                .map(org.apache.camel.Route::getRouteId).findFirst().orElse("?");
        String why = failure != null
                ? "route " + route + " failed: " + io.iotpipeline.store.StoreFailure.firstLine(failure)
                : "a route on direct:readings-before-store answered " + (body == null ? "null" : body.getClass().getName())
                        + ", not the ReadingsToStore it was given";
        LOG.warn("Readings before the store: {}; the batch's {} readings become dead letters", why, asGiven.size());
        return asGiven.allDropped(why);
    }

    /** What routes loaded from files (routes/*.yaml) receive: the batch's readings, once they are stored. */
    public StoredReadings storedReadings(Exchange batch) {
        return new StoredReadings(batch.getVariable(READINGS, List.class));
    }

    /** Last: the offsets, once the batch's readings and dead letters are in the database. */
    public void commitOffsets(Exchange batch) {
        KafkaBatchCommit.commit(batch);
        PipelineCounters.of(batch).batchCommitted(batch.getProperty(KafkaBatchCommit.PROPERTY, KafkaBatchCommit.class).records());
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
}

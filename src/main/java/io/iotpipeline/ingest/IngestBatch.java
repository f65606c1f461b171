package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.ops.StepCounts;
import io.iotpipeline.store.StoredReadings;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;

/**
 * The steps of the ingest route on one consumed Kafka batch (bean {@code ingestBatch}): remember its offsets, split
 * its events' devices, filter them by the reading rules, hand the readings to the routes before the store, hand the
 * stored readings on, commit the offsets. Each is one call per batch, not per record, and counts what it did in the
 * domain's units ({@link StepCounts}).
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

    private final EventReader reader;
    private final StepCounts counts;
    private final PipelineCounters totals;

    public IngestBatch(EventReader reader, StepCounts counts, PipelineCounters totals) {
        this.reader = reader;
        this.counts = counts;
        this.totals = totals;
    }

    /** First, in the consumer thread: the batch's records (the new body), and the offsets to commit once stored. */
    public List<EventReader.Record> rememberOffsets(Exchange batch) {
        List<EventReader.Record> records = records(batch);
        KafkaBatchCommit.remember(batch, records);
        return records;
    }

    /** The unmarshalled events' devices, one entry each; the records that were no event wait as dead letters. */
    public List<DeviceEntry> splitDevices(Exchange batch) {
        ReadEvent.Batch events = batch.getMessage().getBody(ReadEvent.Batch.class);
        batch.setVariable(DEAD_LETTERS, new ArrayList<>(events.unreadable()));
        List<DeviceEntry> entries = EventReader.devices(events.events());
        counts.of(batch.getFromRouteId(), "split-devices", "readings", null).passed(entries.size());
        return entries;
    }

    /**
     * The entries that are readings by the reading rules of the batch's instance ({@link IngestInstance}, else
     * {@code readings.*}): the new body; a dead letter with the reason per other one.
     */
    @SuppressWarnings("unchecked")
    public List<DeviceReading> filterReadings(Exchange batch) {
        ReadingRules rules = batch.getVariable(IngestInstance.RULES, ReadingRules.class);
        EventReader.Read read = (rules == null ? reader : reader.withRules(rules))
                .readings(batch.getMessage().getBody(List.class));
        batch.getVariable(DEAD_LETTERS, List.class).addAll(read.deadLetters());
        counts.of(batch.getFromRouteId(), "filter-readings", "readings", null)
                .counted(read.readings().size(), read.deadLetters());
        return read.readings();
    }

    /** What routes loaded from files receive before the store: the batch's valid readings (the body). */
    public ReadingsToStore readingsToStore(Exchange batch) {
        return new ReadingsToStore(batch.getMessage().getBody(List.class));
    }

    /**
     * What a route before the store answered. One that answers anything else than the readings it was given drops the
     * whole batch into dead letters with the reason: the batch is neither lost nor retried for ever.
     */
    public ReadingsToStore readingsAnswered(Exchange batch) {
        Object body = batch.getMessage().getBody();
        if (body instanceof ReadingsToStore answered) {
            return counted(batch, answered);
        }
        return allDropped(batch, "a route on " + BEFORE_STORE_ENDPOINT + " answered "
                + (body == null ? "null" : body.getClass().getName()) + ", not the ReadingsToStore it was given");
    }

    /** Whether a route before the store failed in a way no retry cures (not a server away for now, StoreFailure). */
    public static boolean failedForGood(Exchange batch) {
        Throwable failure = batch.getException() != null ? batch.getException()
                : batch.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return !io.iotpipeline.store.StoreFailure.isTransient(failure);
    }

    /** A route before the store failed for good: the batch's readings become dead letters with the reason. */
    public ReadingsToStore readingsOfFailedRoute(Exchange batch) {
        String route = batch.getContext().getRoutes().stream()
                .filter(r -> r.getEndpoint().getEndpointUri().startsWith(BEFORE_STORE_ENDPOINT))
                .map(org.apache.camel.Route::getRouteId).findFirst().orElse("?");
        Exception failure = batch.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return allDropped(batch, "route " + route + " failed: "
                + (failure == null ? "?" : io.iotpipeline.store.StoreFailure.firstLine(failure)));
    }

    private ReadingsToStore allDropped(Exchange batch, String why) {
        ReadingsToStore asGiven = batch.getVariable(BEFORE_STORE, ReadingsToStore.class);
        LOG.warn("Readings before the store: {}; the batch's {} readings become dead letters", why, asGiven.size());
        return counted(batch, asGiven.allDropped(why));
    }

    private ReadingsToStore counted(Exchange batch, ReadingsToStore answered) {
        counts.of(batch.getFromRouteId(), "routes-before-store", "readings", null)
                .counted(answered.size(), answered.dropped());
        return answered;
    }

    /** What routes loaded from files (routes/*.yaml) receive: the batch's readings, once they are stored. */
    public StoredReadings storedReadings(Exchange batch) {
        return new StoredReadings(batch.getVariable(READINGS, List.class));
    }

    /** Last: the offsets, once the batch's readings and dead letters are in the database. */
    public void commitOffsets(Exchange batch) {
        KafkaBatchCommit.commit(batch);
        totals.batchCommitted(batch.getProperty(KafkaBatchCommit.PROPERTY, KafkaBatchCommit.class).records());
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

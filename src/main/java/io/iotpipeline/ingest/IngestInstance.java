package io.iotpipeline.ingest;

import java.util.Map;

import io.iotpipeline.settings.Settings;
import io.iotpipeline.store.ReadingStore;
import org.apache.camel.Exchange;

/**
 * What one instance of the route template {@code kafka-to-store} sets for its batches, checked when the route is
 * created (a bad value stops the start, naming the parameter): the statuses its readings may have, and the row batch
 * size and statements per second of its writes. Set on each batch as exchange variables, which the shared stages after
 * it read ({@link ReadingStore#ROWS_PER_BATCH}, {@link ReadingStore#BATCHES_PER_SECOND}).
 */
public record IngestInstance(ReadingRules rules, int rowsPerBatch, int batchesPerSecond) {

    /** Exchange variable: the reading rules of the batch's instance. */
    public static final String RULES = "readingRules";

    /** The instance's settings from its template parameters (placeholders resolved), on the shipped reading rules. */
    public static IngestInstance of(ReadingRules shipped, String statuses, String rowsPerBatch, String batchesPerSecond) {
        ReadingRules rules;
        try {
            rules = shipped.withStatuses(ReadingRules.statuses(statuses));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("statuses: " + e.getMessage(), e);
        }
        // the same checks and messages as the properties they default to
        Settings parameters = Settings.of(Map.of("rowsPerBatch", rowsPerBatch, "batchesPerSecond", batchesPerSecond));
        return new IngestInstance(rules, parameters.positiveInt("rowsPerBatch"),
                parameters.positiveInt("batchesPerSecond"));
    }

    /** The first step of each batch: the instance's settings as the batch's variables. */
    public void applyTo(Exchange batch) {
        batch.setVariable(RULES, rules);
        batch.setVariable(ReadingStore.ROWS_PER_BATCH, rowsPerBatch);
        batch.setVariable(ReadingStore.BATCHES_PER_SECOND, batchesPerSecond);
    }
}

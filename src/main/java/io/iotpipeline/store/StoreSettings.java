package io.iotpipeline.store;

import io.iotpipeline.settings.Settings;

/**
 * How readings are written: {@code store.*}.
 *
 * @param maxEvents         Kafka records per consumed batch at most (the consumer's maxPollRecords)
 * @param maxWaitMs         how long a consumed batch waits for more records
 * @param rowsPerBatch      readings per database statement, about
 * @param batchesPerSecond  statements per second at most, per pipeline instance
 * @param retryMaxAttempts  retries of a failed write before the batch goes back to Kafka
 * @param retryInitialDelayMs the first retry's delay, doubled each time up to {@code retryMaxDelayMs}
 */
public record StoreSettings(int maxEvents, int maxWaitMs, int rowsPerBatch, int batchesPerSecond,
        int retryMaxAttempts, int retryInitialDelayMs, int retryMaxDelayMs) {

    public static StoreSettings from(Settings settings) {
        return new StoreSettings(settings.positiveInt("store.batch.maxEvents"),
                settings.nonNegativeInt("store.batch.maxWaitMs"), settings.positiveInt("store.batch.rows"),
                settings.positiveInt("store.throttle.batchesPerSecond"),
                settings.nonNegativeInt("store.retry.maxAttempts"), settings.nonNegativeInt("store.retry.initialDelayMs"),
                settings.nonNegativeInt("store.retry.maxDelayMs"));
    }
}

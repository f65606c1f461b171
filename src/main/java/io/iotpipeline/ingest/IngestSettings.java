package io.iotpipeline.ingest;

import io.iotpipeline.settings.Settings;

/**
 * How events come in: the Kafka consumer ({@code kafka.consumer.*}), the largest event read from Kafka
 * ({@code ingest.maxEventBytes}) and what devices may post ({@code ingest.http.*}).
 */
public record IngestSettings(int consumerThreads, int maxEventBytes, PostedLimits posted) {

    public static IngestSettings from(Settings settings) {
        // the consumer's timings go into its endpoint URI as placeholders; they are checked here once
        settings.nonNegativeInt("kafka.consumer.pollTimeoutMs");
        settings.positiveInt("kafka.consumer.maxPollIntervalMs");
        settings.positiveInt("kafka.consumer.sessionTimeoutMs");
        settings.positiveInt("kafka.consumer.heartbeatIntervalMs");
        settings.nonNegativeInt("kafka.producer.lingerMs");
        settings.positiveInt("ingest.http.publishTimeoutMs");
        settings.positiveInt("ingest.http.requestTimeoutMs");
        java.time.Duration horizon = settings.seconds("lateness.horizonSeconds");
        return new IngestSettings(settings.positiveInt("kafka.consumer.threads"),
                settings.positiveInt("ingest.maxEventBytes"), new PostedLimits(settings.positiveInt(
                        "ingest.http.maxBodyBytes"), settings.positiveInt("ingest.http.maxEventsPerRequest"),
                        settings.positiveInt("ingest.http.maxEventBytes"), new EventTimeWindow(
                                settings.seconds("lateness.futureToleranceSeconds"), horizon.isZero() ? null : horizon)));
    }
}

package io.iotpipeline.ingest;

/** The Kafka endpoints several routes share, written once so their settings cannot drift apart. */
public final class KafkaEndpoints {

    /** Publishes device events to kafka.topic, acknowledged by all in-sync replicas, without duplicates on retry. */
    public static final String PUBLISH_EVENTS = "kafka:{{kafka.topic}}?requestRequiredAcks=all&enableIdempotence=true"
            + "&lingerMs={{kafka.producer.lingerMs}}";

    private KafkaEndpoints() {
    }

    /**
     * A batching consumer of a topic whose offsets only {@link io.iotpipeline.ingest.KafkaBatchCommit} commits, with the
     * pipeline's consumer settings (the short poll lets a SIGTERM stop it at once).
     */
    public static String batchConsumer(String topic, String groupId, String consumers, String maxEvents,
                                       String maxWaitMs) {
        return "kafka:" + topic + "?groupId=" + groupId + "&autoOffsetReset=earliest&consumersCount=" + consumers
                + "&batching=true&maxPollRecords=" + maxEvents + "&batchingIntervalMs=" + maxWaitMs
                + "&pollTimeoutMs={{kafka.consumer.pollTimeoutMs}}&maxPollIntervalMs={{kafka.consumer.maxPollIntervalMs}}"
                + "&sessionTimeoutMs={{kafka.consumer.sessionTimeoutMs}}"
                + "&heartbeatIntervalMs={{kafka.consumer.heartbeatIntervalMs}}"
                + "&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true"
                // bytes, not text: a lenient decoder would turn invalid UTF-8 into altered data (see RecordValue)
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer";
    }
}

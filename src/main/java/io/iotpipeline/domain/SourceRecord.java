package io.iotpipeline.domain;

/**
 * Where a payload came from: a Kafka record's coordinates and its raw value. Kept with every reading and dead letter
 * so that each can be traced back to the record that carried it. {@code timestamp} is the record's Kafka timestamp
 * (epoch ms, the producer's send time), -1 when unknown: stored rows keep it, so end-to-end latency is measurable.
 */
public record SourceRecord(String topic, int partition, long offset, String key, String payload, long timestamp) {

    /** A record without a known Kafka timestamp. */
    public SourceRecord(String topic, int partition, long offset, String key, String payload) {
        this(topic, partition, offset, key, payload, -1);
    }

    /** A stable identity of this record, used to make dead-letter inserts idempotent under redelivery. */
    public String coordinates() {
        return topic + "/" + partition + "@" + offset;
    }
}

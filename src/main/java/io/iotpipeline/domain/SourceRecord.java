package io.iotpipeline.domain;

/**
 * Where a payload came from: a Kafka record's coordinates and its raw value. Kept with every reading and dead letter
 * so that each can be traced back to the record that carried it.
 */
public record SourceRecord(String topic, int partition, long offset, String key, String payload) {

    /** A stable identity of this record, used to make dead-letter inserts idempotent under redelivery. */
    public String coordinates() {
        return topic + "/" + partition + "@" + offset;
    }
}

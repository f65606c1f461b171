package io.iotpipeline.ingest;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.iotpipeline.domain.SourceRecord;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.common.TopicPartition;

/**
 * Commits the Kafka offsets of one consumed batch, per partition, after its rows are in PostgreSQL.
 * <p>
 * camel-kafka's own batch commit commits only the partition of the last record; a batch spans partitions, so this
 * commits the highest offset of each. The KafkaConsumer may only be used from its polling thread: {@link #remember}
 * notes that thread when the batch arrives, and {@link #commit} refuses to run anywhere else, which fails the batch
 * (it is then polled again) rather than commit from a foreign thread.
 */
public final class KafkaBatchCommit {

    public static final String PROPERTY = "iotKafkaBatchCommit";

    private final Map<TopicPartition, KafkaManualCommit> lastPerPartition = new HashMap<>();
    private final Thread pollingThread = Thread.currentThread();
    private final int records;

    /**
     * @param exchanges the batch's record exchanges
     * @param records   the same records as read, in the same order
     */
    private KafkaBatchCommit(List<?> exchanges, List<EventReader.Record> records) {
        this.records = records.size();
        // records of one partition arrive in offset order: the last one of each, found from the end, is its highest
        for (int i = records.size() - 1; i >= 0; i--) {
            SourceRecord source = records.get(i).source();
            TopicPartition partition = new TopicPartition(source.topic(), source.partition());
            if (!lastPerPartition.containsKey(partition)) {
                KafkaManualCommit commit = ((Exchange) exchanges.get(i)).getMessage()
                        .getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
                if (commit != null) {
                    lastPerPartition.put(partition, commit);
                }
            }
        }
    }

    /** Called first on the batch exchange, in the consumer thread, with the batch's records as read. */
    static void remember(Exchange batch, List<EventReader.Record> records) {
        batch.setProperty(PROPERTY, new KafkaBatchCommit(batch.getMessage().getBody(List.class), records));
    }

    /** Called last, once the batch's readings and dead letters are committed in the database. */
    static void commit(Exchange batch) {
        KafkaBatchCommit offsets = batch.getProperty(PROPERTY, KafkaBatchCommit.class);
        if (offsets == null) {
            throw new IllegalStateException("no Kafka batch to commit on this exchange");
        }
        if (Thread.currentThread() != offsets.pollingThread) {
            throw new IllegalStateException("Kafka offsets must be committed from the consumer thread "
                    + offsets.pollingThread.getName() + ", not " + Thread.currentThread().getName());
        }
        offsets.lastPerPartition.values().forEach(KafkaManualCommit::commit);
    }

    public int records() {
        return records;
    }
}

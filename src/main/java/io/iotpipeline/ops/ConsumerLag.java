package io.iotpipeline.ops;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.iotpipeline.config.KafkaSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records in the topic that the ingest consumer group has not committed yet: the backlog waiting in Kafka. Measured by
 * the progress timer; metrics scrapes read the last measurement, so they never wait on the broker.
 */
public class ConsumerLag implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

    private final Admin admin;
    private final String topic;
    private final String groupId;
    private final AtomicLong last = new AtomicLong(-1);

    public ConsumerLag(String bootstrapServers, KafkaSecurity security, String topic, String groupId) {
        Map<String, Object> config = new java.util.HashMap<>(security.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        this.admin = Admin.create(config);
        this.topic = topic;
        this.groupId = groupId;
    }

    /** Measures the lag now: end offset minus committed offset, summed over the topic's partitions. */
    public long measure() {
        try {
            int partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
                earliest.put(new TopicPartition(topic, p), OffsetSpec.earliest());
            }
            var ends = admin.listOffsets(latest).all().get(5, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : latest.keySet()) {
                OffsetAndMetadata done = committed.get(partition);
                long from = done != null ? done.offset() : starts.get(partition).offset();
                lag += Math.max(0, ends.get(partition).offset() - from);
            }
            last.set(lag);
            return lag;
        } catch (Exception e) {
            LOG.debug("Could not measure the consumer lag: {}", e.getMessage());
            return last.get();
        }
    }

    /** The last measurement, or -1 before the first one. */
    public long last() {
        return last.get();
    }

    @Override
    public void close() {
        admin.close();
    }
}

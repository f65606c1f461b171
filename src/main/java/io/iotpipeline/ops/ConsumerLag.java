package io.iotpipeline.ops;

import java.util.HashMap;
import java.util.List;
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
 * Records that the pipeline's consumer groups have not committed yet, summed over every pipeline instance (its topic and
 * group): the backlog waiting in Kafka. Measured by the progress timer; metrics scrapes read the last measurement, so
 * they never wait on the broker.
 */
public class ConsumerLag implements AutoCloseable {

    /** A pipeline instance's topic and consumer group. */
    public record Subscription(String topic, String groupId) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLag.class);

    private final Admin admin;
    private final List<Subscription> subscriptions;
    private final AtomicLong last = new AtomicLong(-1);

    public ConsumerLag(String bootstrapServers, KafkaSecurity security, List<Subscription> subscriptions) {
        Map<String, Object> config = new java.util.HashMap<>(security.clientProperties());
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        this.admin = Admin.create(config);
        this.subscriptions = List.copyOf(subscriptions);
    }

    /** Measures the lag now: end offset minus committed offset, summed over each instance's topic partitions. */
    public long measure() {
        try {
            long lag = 0;
            for (Subscription subscription : subscriptions) {
                lag += lag(subscription.topic(), subscription.groupId());
            }
            last.set(lag);
            return lag;
        } catch (Exception e) {
            LOG.debug("Could not measure the consumer lag: {}", e.getMessage());
            return last.get();
        }
    }

    private long lag(String topic, String groupId) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS)
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
        return lag;
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

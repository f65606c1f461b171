package io.iotpipeline.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.ingest.ReadingRules;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What is really in the topic, read back independently of the pipeline: the ground truth the stored rows are
 * compared with.
 */
public final class TopicContents {

    private static final ObjectMapper JSON = EventJson.MAPPER;

    private final String brokers;
    private final String topic;
    private final Map<String, Object> security;

    public TopicContents(String brokers, String topic) {
        this(brokers, topic, Map.of());
    }

    /** @param security the client settings the broker asks for (SASL), besides bootstrap.servers */
    public TopicContents(String brokers, String topic, Map<String, Object> security) {
        this.brokers = brokers;
        this.topic = topic;
        this.security = security;
    }

    /** The same broker and login, another topic. */
    public TopicContents other(String otherTopic) {
        return new TopicContents(brokers, otherTopic, security);
    }

    Admin admin() {
        Map<String, Object> config = new java.util.HashMap<>(security);
        config.put("bootstrap.servers", brokers);
        return Admin.create(config);
    }

    public String brokers() {
        return brokers;
    }

    private KafkaProducer<String, String> producer() {
        Properties props = new Properties();
        props.putAll(security);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Sends to one partition, whatever the key: a test that needs a stream (a watermark) of its own. */
    public void sendTo(int partition, String key, String... payloads) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (String payload : payloads) {
                producer.send(new ProducerRecord<>(topic, partition, key, payload)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    public void send(String key, String... payloads) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            for (String payload : payloads) {
                producer.send(new ProducerRecord<>(topic, key, payload)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends without a key, as many producers do, spread over the topic's partitions in turn. */
    public void sendWithoutKey(String... payloads) throws Exception {
        try (KafkaProducer<String, String> producer = producer()) {
            int partitions = producer.partitionsFor(topic).size();
            List<java.util.concurrent.Future<?>> sent = new java.util.ArrayList<>();
            for (int i = 0; i < payloads.length; i++) {
                sent.add(producer.send(new ProducerRecord<>(topic, i % partitions, null, payloads[i])));
            }
            for (var future : sent) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Every record of the topic, from the beginning to the current end. */
    public List<ConsumerRecord<String, String>> all() {
        Properties props = new Properties();
        props.putAll(security);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 20_000_000);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the topic to its end");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }
        return records;
    }

    /** The (eventId, deviceId, measurement) keys of every valid measurement beyond temperature in the topic. */
    public Set<String> expectedMeasurementKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<String, String> record : all()) {
            for (DeviceReading reading : validReadings(record)) {
                reading.measurements().forEach(m -> keys.add(reading.eventId() + "/" + reading.deviceId() + "/" + m.name()));
            }
        }
        return keys;
    }

    /** The (eventId, deviceId) keys of every valid reading in the topic, by the same rules the pipeline applies. */
    public Set<String> expectedReadingKeys() throws Exception {
        Set<String> keys = new HashSet<>();
        for (ConsumerRecord<String, String> record : all()) {
            for (DeviceReading reading : validReadings(record)) {
                keys.add(reading.eventId() + "/" + reading.deviceId());
            }
        }
        return keys;
    }

    /** The pipeline's rules as shipped: every status and unit, and the jar's measurement catalog. */
    private static final ReadingRules RULES = shippedRules();

    private static ReadingRules shippedRules() {
        try {
            return ReadingRules.STANDARD.withCatalog(io.iotpipeline.ingest.MeasurementCatalogTest.shipped());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static List<DeviceReading> validReadings(ConsumerRecord<String, String> record) {
        try {
            DeviceEvent event = JSON.readValue(record.value(), DeviceEvent.class);
            SourceRecord source = new SourceRecord(record.topic(), record.partition(), record.offset(), record.key(),
                    record.value());
            return RULES.readings(event, source).readings();
        } catch (Exception e) {
            return List.of();
        }
    }

    /** The partitions each member of the consumer group owns, by member id. */
    public Map<String, Set<Integer>> members(String groupId) throws Exception {
        try (Admin admin = admin()) {
            Map<String, Set<Integer>> members = new java.util.TreeMap<>();
            admin.describeConsumerGroups(List.of(groupId)).all().get(30, TimeUnit.SECONDS).get(groupId).members()
                    .forEach(member -> members.put(member.consumerId(), member.assignment().topicPartitions().stream()
                            .filter(p -> p.topic().equals(topic)).map(TopicPartition::partition)
                            .collect(Collectors.toCollection(java.util.TreeSet::new))));
            return members;
        }
    }

    /** Records in the topic: the sum of the partitions' end offsets. */
    public long size() throws Exception {
        try (Admin admin = admin()) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                    .partitions().stream().collect(Collectors.toMap(p -> new TopicPartition(topic, p.partition()),
                            p -> OffsetSpec.latest()));
            return admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        }
    }

    /** The consumer group's committed offset per partition (the next record it will read). */
    public Map<Integer, Long> committed(String groupId) throws Exception {
        try (Admin admin = admin()) {
            Map<Integer, Long> offsets = new java.util.HashMap<>();
            admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS)
                    .forEach((partition, offset) -> {
                        if (partition.topic().equals(topic) && offset != null) {
                            offsets.put(partition.partition(), offset.offset());
                        }
                    });
            return offsets;
        }
    }

    /** Records in the topic not yet committed by the consumer group. */
    public long lag(String groupId) throws Exception {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Set<TopicPartition> partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions().stream().map(p -> new TopicPartition(topic, p.partition()))
                    .collect(Collectors.toSet());
            Map<TopicPartition, OffsetSpec> latest = partitions.stream()
                    .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata done = committed.get(partition);
                lag += ends.get(partition).offset() - (done == null ? 0 : done.offset());
            }
            return lag;
        }
    }
}

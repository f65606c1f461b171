package io.iotpipeline.it;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.iotpipeline.TestEvent;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cluster of three KRaft brokers (each a process, each a controller too), the topic replicated three times with
 * min.insync.replicas 2, every producer acks=all. The broker leading most partitions is SIGKILLed mid-stream, later a
 * second one. With two of three up nothing stops; with one, producers get errors (POST /api/events answers 503, the
 * simulator logs its failed sends), nothing is lost silently; once both are back everything drains. ({@link FaultScenario})
 */
@Tag("faults")
class KafkaClusterIT {

    /** The load gives a send up after this instead of the shipped two minutes, so the test sees its errors sooner. */
    private static final String LOAD_DELIVERY_TIMEOUT = "-Dcamel.component.kafka.deliveryTimeoutMs=30000";

    @Test
    void theLeaderIsKilledThenASecondBroker() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-kafka-cluster", ProductionPath.Setup.withBrokers(3))) {
            List<String> replicated = List.of("-Dkafka.topic.replicationFactor=3");
            Streaming streaming = streamingUnderLoad(path, replicated,
                    List.of("-Dkafka.topic.replicationFactor=3", LOAD_DELIVERY_TIMEOUT));
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            try (Admin admin = admin(path)) {
                assertEquals("2", admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                        "device_stream"))).all().get(30, TimeUnit.SECONDS).values().iterator().next()
                        .get("min.insync.replicas").value(), "min.insync.replicas of device_stream");
                for (TopicPartitionInfo partition : topic(admin).partitions()) {
                    assertEquals(3, partition.replicas().size(), "replicas of partition " + partition.partition());
                }
            }

            int first = leaderOfMostPartitions(path, -1);
            String firstLed = leadership(path);
            long atFirst = rows(path);
            path.killBroker(first);
            long firstKilled = System.nanoTime();
            Eventually.await(Duration.ofSeconds(90), "rows stored with two brokers of three",
                    () -> rows(path) > atFirst + 5000);
            double twoOfThree = (System.nanoTime() - firstKilled) / 1e9;

            int second = leaderOfMostPartitions(path, first);
            long atSecond = rows(path);
            path.killBroker(second);
            long secondKilled = System.nanoTime();
            // one broker of three: acks=all cannot be met, so the producers must say so
            int posted = postOneEvent(path, pipeline);
            double postedAfter = (System.nanoTime() - secondKilled) / 1e9;
            assertEquals(503, posted, "POST /api/events with one broker of three up");
            Eventually.await(Duration.ofSeconds(90), "the simulator logs its failed sends",
                    () -> failedSends(path, load) > 0);
            double failedAfter = (System.nanoTime() - secondKilled) / 1e9;
            long failed = failedSends(path, load);
            long storedWithOne = rows(path) - atSecond;

            path.startBrokers();
            long back = System.nanoTime();
            double away = (back - firstKilled) / 1e9;
            Eventually.await(Duration.ofSeconds(120), "rows again once the brokers are back",
                    () -> rows(path) > atSecond + storedWithOne + 5000);
            double recovery = awaitCaughtUp(path, back);
            assertTrue(pipeline.isAlive() && load.isAlive(), "neither process gave up");
            Figures figures = finish(path, load, "kafka cluster lost its leader, then a second broker", recovery,
                    String.format("broker %d SIGKILLed at %d rows (it led %s), 5000 more rows %.1f s later with 2 of 3;"
                            + " broker %d SIGKILLed: with 1 of 3 POST /api/events answered %d after %.1f s, the"
                            + " simulator logged %d failed sends from %.1f s on, %d rows stored meanwhile; both"
                            + " restarted %.1f s after the first kill; recovery: restart to caught up", first, atFirst,
                            firstLed, twoOfThree, second, posted, postedAfter, failed, failedAfter, storedWithOne, away));
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }

    private static long rows(ProductionPath path) throws Exception {
        return path.rows().count("select count(*) from iot_device_events");
    }

    private static Admin admin(ProductionPath path) {
        return path.topic("device_stream").admin();
    }

    private static TopicDescription topic(Admin admin) throws Exception {
        return admin.describeTopics(List.of("device_stream")).allTopicNames().get(30, TimeUnit.SECONDS)
                .get("device_stream");
    }

    /** The node leading most of device_stream's partitions, other than {@code except}. */
    private static int leaderOfMostPartitions(ProductionPath path, int except) throws Exception {
        try (Admin admin = admin(path)) {
            Map<Integer, Integer> led = new HashMap<>();
            for (TopicPartitionInfo partition : topic(admin).partitions()) {
                if (partition.leader() != null && partition.leader().id() != except) {
                    led.merge(partition.leader().id(), 1, Integer::sum);
                }
            }
            return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }

    /** Which node leads each partition, e.g. {0=1, 1=3, …}. */
    private static String leadership(ProductionPath path) throws Exception {
        try (Admin admin = admin(path)) {
            Map<Integer, Integer> leaders = new java.util.TreeMap<>();
            for (TopicPartitionInfo partition : topic(admin).partitions()) {
                leaders.put(partition.partition(), partition.leader() == null ? -1 : partition.leader().id());
            }
            return "partition=leader " + leaders;
        }
    }

    private static int postOneEvent(ProductionPath path, Process pipeline) throws Exception {
        String event = TestEvent.of(java.util.UUID.randomUUID().toString()).customer("CI00100").timeNow()
                .device("D900", 21.5, "C", "SUCCESS").json();
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(path.http(pipeline, "/api/events"))
                .header("Content-Type", "application/json").header("X-API-Key", path.apiKey)
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(event)).build(),
                HttpResponse.BodyHandlers.ofString());
        return answer.statusCode();
    }

    /** The simulator's sends to device_stream that failed for good, as its log says (one line each). */
    private static long failedSends(ProductionPath path, Process load) throws Exception {
        return Files.readString(path.log(load)).lines()
                .filter(line -> line.contains("Exhausted after delivery attempt") && line.contains("device_stream"))
                .count();
    }
}

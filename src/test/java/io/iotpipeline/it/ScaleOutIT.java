package io.iotpipeline.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scale-out on Kafka's consumer groups: three instances of the packaged jar (as docker compose runs it) share the six
 * partitions of device_stream; one is killed with SIGKILL mid-stream, its partitions move to the other two, and every
 * valid reading is stored exactly once. A fourth instance only publishes (store.enabled=false), so the load goes on
 * while the consumers change.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutIT {

    private static final String GROUP = "iot-pipeline-store";
    private static final int EVENTS = 45_000;

    private ProductionPath path;

    @BeforeAll
    void startExternalServers() throws Exception {
        path = new ProductionPath("scale-out-it");
    }

    @AfterAll
    void stopAll() throws Exception {
        if (path != null) {
            path.close();
        }
    }

    @Test
    void threeInstancesShareSixPartitionsAndAKilledInstancesPartitionsMoveOnWithoutLossOrDuplicates() throws Exception {
        Rows rows = path.rows();
        TopicContents topic = path.topic("device_stream");
        // one consumer thread per instance, so each group member is one instance
        List<String> consumer = List.of("-Dsimulator.enabled=false", "-Dprogress.intervalMs=2000",
                "-Dkafka.consumer.threads=1");
        // the first instance creates the schema and the 6-partition topic; the others join it
        Process first = path.startPipeline("instance-1", consumer);
        path.awaitLine(first, "Started ingest", Duration.ofSeconds(120));
        Process second = path.startPipeline("instance-2", consumer);
        Process third = path.startPipeline("instance-3", consumer);
        path.awaitLine(second, "Started ingest", Duration.ofSeconds(120));
        path.awaitLine(third, "Started ingest", Duration.ofSeconds(120));
        Eventually.await(Duration.ofSeconds(60), "three members with two partitions each", () -> {
            Map<String, Set<Integer>> members = topic.members(GROUP);
            return members.size() == 3 && members.values().stream().allMatch(owned -> owned.size() == 2);
        });

        long started = System.nanoTime();
        Process producer = path.startPipeline("producer", List.of("-Dstore.enabled=false", "-Dhealth.enabled=false",
                "-Dsimulator.enabled=true", "-Dsimulator.eventsPerSecond=1500", "-Dsimulator.maxEvents=" + EVENTS,
                "-Dsimulator.duplicate.share=0.02"));
        Eventually.await(Duration.ofSeconds(120), "rows arriving",
                () -> rows.count("select count(*) from iot_device_events") > 10_000);
        second.destroyForcibly(); // SIGKILL: its partitions' uncommitted batches must be read again by the others
        assertTrue(second.waitFor(30, TimeUnit.SECONDS));
        long killed = System.nanoTime();
        Eventually.await(Duration.ofSeconds(60), "the six partitions shared by the two instances left", () -> {
            Map<String, Set<Integer>> members = topic.members(GROUP);
            return members.size() == 2 && members.values().stream().mapToInt(Set::size).sum() == 6;
        });
        double rebalanceSeconds = (System.nanoTime() - killed) / 1e9;

        // the producer stops after EVENTS new events: wait until the topic stops growing and the group has read it all
        long[] lastSize = {-1};
        Eventually.await(Duration.ofMinutes(3), "all events published and consumed", () -> {
            long size = topic.size();
            boolean settled = size == lastSize[0] && size >= EVENTS && topic.lag(GROUP) == 0;
            lastSize[0] = size;
            return settled;
        });
        double seconds = (System.nanoTime() - started) / 1e9;

        Set<String> expected = topic.expectedReadingKeys();
        Set<String> stored = rows.readingKeys();
        long storedRows = rows.count("select count(*) from iot_device_events");
        Set<String> lost = new HashSet<>(expected);
        lost.removeAll(stored);
        System.out.printf("scale-out: 3 instances, 6 partitions, 1 SIGKILL, partitions moved in %.1f s, %d events in"
                + " topic, %d readings expected, %d stored, %d lost, %d duplicated, %.1f s%n", rebalanceSeconds,
                topic.size(), expected.size(), stored.size(), lost.size(), storedRows - stored.size(), seconds);
        PipelineIT.assertSameReadings(expected, stored);
        assertEquals(stored.size(), storedRows, "duplicated rows");
        assertTrue(expected.size() > 50_000, "a real stream: " + expected.size());
        assertTrue(first.isAlive() && third.isAlive() && producer.isAlive());
    }
}

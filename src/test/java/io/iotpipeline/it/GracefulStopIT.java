package io.iotpipeline.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The production path ({@link ProductionPath}: the packaged jar, as docker compose runs it, against an external broker
 * and PostgreSQL): a SIGTERM mid-stream writes and commits the batch in flight, then the process exits. (SIGKILL and
 * the other faults are the fault suite's, {@link FaultScenario}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GracefulStopIT {

    private ProductionPath path;

    @BeforeAll
    void startExternalServers() throws Exception {
        path = new ProductionPath("graceful-stop-it");
    }

    @AfterAll
    void stopAll() throws Exception {
        if (path != null) {
            path.close();
        }
    }

    @Test
    void sigtermWritesAndCommitsTheBatchInFlightThenExits() throws Exception {
        Rows rows = path.rows();
        TopicContents topic = path.topic("device_stream");
        Process pipeline = startPipeline(99, true);
        path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
        long before = rows.count("select count(*) from iot_device_events");
        Eventually.await(Duration.ofSeconds(60), "rows arriving",
                () -> rows.count("select count(*) from iot_device_events") > before + 2000);

        long signalled = System.nanoTime();
        // SIGTERM, mid-stream; through the handle, as Process.destroy() would also close the pipe the logs go through
        pipeline.toHandle().destroy();
        assertTrue(pipeline.waitFor(40, TimeUnit.SECONDS), "exits within a bounded time after SIGTERM");
        double stopSeconds = (System.nanoTime() - signalled) / 1e9;
        Path logFile = path.log(pipeline);
        Eventually.await(Duration.ofSeconds(10), "the last log line",
                () -> Files.readString(logFile).contains("Apache Camel (Main) 4.18.0 is shutdown"));
        String log = Files.readString(logFile);

        // every row written was committed: no stored reading sits at or after its partition's committed offset,
        // and every valid reading before the committed offsets is stored
        Map<Integer, Long> committed = topic.committed("iot-pipeline-store");
        long uncommittedRows = 0;
        for (var entry : committed.entrySet()) {
            uncommittedRows += rows.count("select count(*) from iot_device_events where kafkaTopic = 'device_stream'"
                    + " and kafkaPartition = " + entry.getKey() + " and kafkaOffset >= " + entry.getValue());
        }
        Set<String> expectedBeforeCommit = new java.util.HashSet<>();
        for (var record : topic.all()) {
            if (record.offset() < committed.getOrDefault(record.partition(), 0L)) {
                TopicContents.validReadings(record).forEach(r -> expectedBeforeCommit.add(r.eventId() + "/" + r.deviceId()));
            }
        }
        Set<String> missing = new java.util.HashSet<>(expectedBeforeCommit);
        missing.removeAll(rows.readingKeys());
        System.out.printf("graceful-stop: exit %d after %.1f s, %d readings committed, %d missing, %d rows beyond the"
                + " committed offsets%n", pipeline.exitValue(), stopSeconds, expectedBeforeCommit.size(), missing.size(),
                uncommittedRows);
        assertEquals(0, uncommittedRows, "rows written but not committed");
        assertEquals(Set.of(), missing);
        assertTrue(log.contains("Stopped ingest") && !log.contains("Forced stopped"), "every route stopped gracefully");
        assertTrue(!log.contains(" ERROR "), "no errors while stopping, see " + path.log(pipeline));
    }

    private Process startPipeline(int run, boolean simulate) throws IOException {
        return path.startPipeline("pipeline-run-" + run, List.of(
                "-Dsimulator.enabled=" + simulate,
                "-Dsimulator.eventsPerSecond=1500",
                "-Dsimulator.duplicate.share=0.02",
                "-Dprogress.intervalMs=1000"));
    }
}

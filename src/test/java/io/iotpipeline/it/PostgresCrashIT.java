package io.iotpipeline.it;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL crashes mid-stream, twice: every one of its processes is SIGKILLed, so the restart runs crash recovery
 * (not a clean stop). Every reading the pipeline committed offsets for must be in the table, once; the rest is read
 * again and stored. ({@link FaultScenario})
 */
@Tag("faults")
class PostgresCrashIT {

    @Test
    void postgresKilledTwiceMidStream() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-database-crash", ProductionPath.Setup.withOwnDatabase())) {
            Streaming streaming = streamingUnderLoad(path);
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            List<String> crashes = new ArrayList<>();
            long restarted = 0;
            for (int crash = 1; crash <= 2; crash++) {
                long before = path.rows().count("select count(*) from iot_device_events");
                int killed = path.crashDatabase();
                Thread.sleep(5000); // writes fail and are retried while it is away
                long down = System.nanoTime();
                path.startDatabase(); // crash recovery: the WAL is replayed
                restarted = System.nanoTime();
                crashes.add(String.format("crash %d: %d processes killed at %d rows, back in %.1f s", crash, killed,
                        before, (restarted - down) / 1e9));
                Eventually.await(Duration.ofSeconds(120), "new rows after crash " + crash,
                        () -> path.rows().count("select count(*) from iot_device_events") > before + 2000);
            }
            double recovery = awaitCaughtUp(path, restarted);
            assertTrue(pipeline.isAlive(), "the pipeline stayed up through both crashes");
            long retries = Files.readString(path.log(pipeline)).lines()
                    .filter(line -> line.contains("On delivery attempt")).count();
            Figures figures = finish(path, load, "postgres SIGKILLed twice", recovery, String.join("; ", crashes)
                    + "; " + retries + " write retries; recovery: second restart to caught up");
            assertTrue(retries > 0, "writes were retried while PostgreSQL was down");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }
}

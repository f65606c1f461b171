package io.iotpipeline.it;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** SIGKILL of the pipeline five times at random moments, once while it starts. ({@link FaultScenario}) */
@Tag("faults")
class SigkillIT {

    @Test
    void sigkillFiveTimesAtRandomMoments() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-sigkill")) {
            Random random = new Random(SEED);
            Process pipeline = startPipeline(path, "pipeline-1", List.of());
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            Process load = startLoad(path, LOAD_EVENTS_PER_SECOND);
            awaitRows(path, 2000);
            long restarted = 0;
            for (int kill = 1; kill <= 5; kill++) {
                if (kill == 3) {
                    // once while starting up: schema checked, state rebuilt, routes starting
                    path.awaitLine(pipeline, "Database schema", Duration.ofSeconds(120));
                    Thread.sleep(random.nextInt(1500));
                } else {
                    // otherwise at a random moment of streaming, most likely with batches in flight
                    path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
                    Thread.sleep(200 + random.nextInt(6000));
                }
                pipeline.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no commit
                assertTrue(pipeline.waitFor(30, TimeUnit.SECONDS));
                assertEquals(137, pipeline.exitValue(), "killed by SIGKILL");
                restarted = System.nanoTime();
                pipeline = startPipeline(path, "pipeline-" + (kill + 1), List.of());
            }
            double recovery = awaitCaughtUp(path, restarted);
            Figures figures = finish(path, load, "sigkill x5 (seed " + SEED + ")", recovery,
                    "recovery: last restart to caught up, JVM start included");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
            assertTrue(pipeline.isAlive());
        }
    }
}

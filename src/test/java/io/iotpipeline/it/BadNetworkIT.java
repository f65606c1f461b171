package io.iotpipeline.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A bad network between the pipeline and both its servers: every byte to PostgreSQL and to the Kafka broker (which
 * advertises the link's port, so every Kafka client of the pipeline and of the load goes through it) passes a
 * {@link FaultyLink}. First 200 ms of latency, then a reset of every connection every few seconds, then a 20 s black
 * hole after which the connections it swallowed stay dead. The pipeline must find its way back by itself within the
 * bounds its timeouts set (db.socketTimeoutSeconds, the Kafka request timeouts), with no thread left waiting on a dead
 * connection and nothing lost. ({@link FaultScenario})
 */
@Tag("faults")
class BadNetworkIT {

    private static final long LATENCY_MS = 200;
    private static final int PHASE_SECONDS = 20;
    private static final int RESET_EVERY_SECONDS = 4;
    private static final int BLACK_HOLE_SECONDS = 20;
    /** Larger than any health check or watermark query: a batch of readings on its way to store_readings. */
    private static final int STATEMENT_BYTES = 4000;

    @Test
    void latencyResetsAndABlackHoleOnTheWayToPostgresAndKafka() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-network", ProductionPath.Setup.withFaultyLinks())) {
            Streaming streaming = streamingUnderLoad(path);
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            List<FaultyLink> links = new ArrayList<>(path.kafkaLinks);
            links.add(path.databaseLink);

            links.forEach(link -> link.latency(LATENCY_MS));
            long slowStart = rows(path);
            Thread.sleep(PHASE_SECONDS * 1000L);
            long slow = rows(path) - slowStart;
            links.forEach(link -> link.latency(0));
            assertTrue(slow > 0, "readings are stored through a slow network");

            long resetStart = rows(path);
            int resetRounds = 0;
            for (int second = 0; second < PHASE_SECONDS; second += RESET_EVERY_SECONDS) {
                links.forEach(FaultyLink::resetAll);
                resetRounds++;
                Thread.sleep(RESET_EVERY_SECONDS * 1000L);
            }
            long resets = links.stream().mapToLong(FaultyLink::resets).sum();
            long duringResets = rows(path) - resetStart;

            // the hole opens while a batch's statement is on its way to PostgreSQL: its answer never comes back
            path.databaseLink.blackHoleAfterRequestOf(STATEMENT_BYTES, Duration.ofSeconds(30));
            path.kafkaLinks.forEach(link -> link.blackHole(true));
            long holeStart = rows(path);
            Thread.sleep(BLACK_HOLE_SECONDS * 1000L);
            long duringHole = rows(path) - holeStart;
            links.forEach(link -> link.blackHole(false));
            long healed = System.nanoTime();
            long afterHole = rows(path);
            // the bound: a statement waiting on a dead connection gives up after db.socketTimeoutSeconds (30), a Kafka
            // request after 15 s, then the retries find new connections
            Eventually.await(Duration.ofSeconds(120), "rows again after the black hole",
                    () -> rows(path) > afterHole + 2000);
            double firstRows = (System.nanoTime() - healed) / 1e9;
            double recovery = awaitCaughtUp(path, healed);
            assertTrue(pipeline.isAlive() && load.isAlive(), "neither process gave up");
            long socketTimeouts = java.nio.file.Files.readString(path.log(pipeline)).lines()
                    .filter(line -> line.contains("Read timed out")).count();

            Figures figures = finish(path, load, "bad network to postgres and kafka", recovery, String.format(
                    "%d ms latency for %d s: %d rows stored meanwhile; %d connections reset in %d rounds over %d s:"
                    + " %d rows meanwhile; %d s black hole: %d rows meanwhile, rows again %.1f s after it,"
                    + " %d log lines of a PostgreSQL read timed out; recovery: end of the hole to caught up", LATENCY_MS,
                    PHASE_SECONDS, slow, resets, resetRounds, PHASE_SECONDS, duringResets, BLACK_HOLE_SECONDS,
                    duringHole, firstRows, socketTimeouts));
            assertTrue(resets > 0, "connections were reset");
            assertTrue(socketTimeouts > 0, "the statement caught in the hole gave up (db.socketTimeoutSeconds)");
            assertEquals(Set.of(), threadsWaitingOnTheDatabase(pipeline),
                    "threads still waiting for an answer from PostgreSQL once the pipeline is idle");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }

    private static long rows(ProductionPath path) throws Exception {
        return path.rows().count("select count(*) from iot_device_events"); // straight to PostgreSQL, not the link
    }

    /**
     * Threads of the idle pipeline that sit in a read of a PostgreSQL connection in each of three thread dumps, two
     * seconds apart: waiting for an answer that will not come (nothing is in flight once every event is stored).
     */
    static Set<String> threadsWaitingOnTheDatabase(Process pipeline) throws Exception {
        Set<String> stuck = null;
        for (int dump = 0; dump < 3; dump++) {
            Set<String> waiting = new LinkedHashSet<>();
            for (String thread : threadDump(pipeline).split("\n\n")) {
                if (thread.startsWith("\"") && thread.contains("org.postgresql.core.PGStream.receive")) {
                    waiting.add(thread.substring(1, thread.indexOf('"', 1)));
                }
            }
            if (stuck == null) {
                stuck = waiting;
            } else {
                stuck.retainAll(waiting);
            }
            Thread.sleep(2000);
        }
        return stuck;
    }

    private static String threadDump(Process pipeline) throws Exception {
        Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                String.valueOf(pipeline.pid())).redirectErrorStream(true).start();
        String dump = new String(jstack.getInputStream().readAllBytes());
        assertTrue(jstack.waitFor(60, TimeUnit.SECONDS) && jstack.exitValue() == 0, "jstack failed: " + dump);
        return dump;
    }
}

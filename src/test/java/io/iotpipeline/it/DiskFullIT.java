package io.iotpipeline.it;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The readings' disk fills up mid-stream: the partitions of iot_device_events live in a tablespace on a small tmpfs
 * that the stream fills. PostgreSQL still answers but refuses every write (SQLSTATE 53100): the stream stalls with
 * one log line per retry, readiness is DOWN, and no good reading becomes a dead letter (a full disk is not bad data).
 * Once space is freed it drains, 0 lost. Needs root for the mount, as CI runs. ({@link FaultScenario})
 */
@Tag("faults")
class DiskFullIT {

    /**
     * The tmpfs: room for the tablespace's first rows, most of it taken by a file that is deleted to free space. The
     * freed space must hold the backlog and the load that goes on while it drains (64 MB did not always: the disk
     * filled again before the pipeline caught up).
     */
    private static final int DISK_MB = 192;
    private static final int FILLER_MB = 184;

    @Test
    void theReadingsDiskFillsUpAndIsFreedAgain() throws Exception {
        Path disk = Files.createTempDirectory("iot-small-disk");
        mount(disk);
        try (ProductionPath path = new ProductionPath("faults-disk-full", ProductionPath.Setup.withOwnDatabase())) {
            Path tablespace = Files.createDirectories(disk.resolve("readings"));
            Path filler = disk.resolve("filler");
            Process pipeline = started(path, List.of());
            // every partition of the readings, and those created later, on the small disk
            Rows rows = path.rows();
            rows.execute("CREATE TABLESPACE readings_disk LOCATION '" + tablespace + "'");
            for (var partition : rows.query("select inhrelid::regclass::text as name from pg_inherits"
                    + " where inhparent = 'iot_device_events'::regclass")) {
                rows.execute("ALTER TABLE " + partition.get("name") + " SET TABLESPACE readings_disk");
            }
            rows.execute("ALTER TABLE iot_device_events SET TABLESPACE readings_disk");
            fill(filler, FILLER_MB);

            // a lighter load than the other scenarios: the freed disk's drain competes with it on two shared cores,
            // and what this scenario proves is the stall and the recovery, not throughput
            Process load = startLoad(path, LOAD_EVENTS_PER_SECOND / 2);
            awaitRows(path, 2000);
            Eventually.await(Duration.ofMinutes(3), "a write refused for lack of space", () ->
                    Files.readString(path.log(pipeline)).contains("No space left on device"));
            long full = System.nanoTime();
            Eventually.await(Duration.ofSeconds(30), "readiness DOWN while writes fail",
                    () -> status(path, pipeline, "/observe/health/ready") == 503);
            double downAfter = (System.nanoTime() - full) / 1e9;
            assertEquals(200, status(path, pipeline, "/observe/health/live"), "alive: a full disk is no reason to restart");
            Thread.sleep(15_000); // the stream stalls; the backlog waits in Kafka
            long stalledAt = rows.count("select count(*) from iot_device_events");

            Files.delete(filler);
            long freed = System.nanoTime();
            Eventually.await(Duration.ofSeconds(120), "readiness UP once space is freed",
                    () -> status(path, pipeline, "/observe/health/ready") == 200);
            double upAfter = (System.nanoTime() - freed) / 1e9;
            double recovery = awaitCaughtUp(path, freed);
            assertTrue(pipeline.isAlive(), "the pipeline stayed up");
            String log = Files.readString(path.log(pipeline));
            long retries = log.lines().filter(line -> line.contains("On delivery attempt")
                    && line.contains("No space left on device")).count();
            Figures figures = finish(path, load, "readings disk full", recovery, String.format(
                    "%d MB tmpfs filled at ~%d rows; readiness DOWN %.1f s after the first refused write, UP %.1f s after"
                    + " space was freed; %d retries logged for lack of space; recovery: space freed to caught up",
                    DISK_MB, stalledAt, downAfter, upAfter, retries));
            assertTrue(retries > 0, "each refused write was logged and retried");
            assertEquals(0, rows.count("select count(*) from iot_dead_letters where reason not like 'CONFLICT%'"),
                    "no reading became a dead letter (the load's conflicting re-sends are dead letters by design)");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        } finally {
            unmount(disk);
        }
    }

    private static void fill(Path file, int megabytes) throws IOException {
        byte[] block = new byte[1 << 20];
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            for (int i = 0; i < megabytes; i++) {
                out.write(block); // written, not sparse: tmpfs counts what is written
            }
        }
    }

    private static void mount(Path dir) throws Exception {
        run("mount", "-t", "tmpfs", "-o", "size=" + DISK_MB + "m", "tmpfs", dir.toString());
    }

    private static void unmount(Path dir) throws Exception {
        run("umount", dir.toString());
        Files.deleteIfExists(dir);
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0,
                String.join(" ", command) + " failed (this scenario needs root, as CI runs): " + output);
    }
}

package io.iotpipeline.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production path, run as a user would and as docker-compose.yml deploys it (deploy/pipeline.properties and the
 * same environment variables): the packaged jar as its own process against an external Kafka broker
 * (a separate process) and an external PostgreSQL (the machine's own when IOT_TEST_DB_URL is set, as in CI; otherwise
 * a PostgreSQL server this test starts). The pipeline is killed with SIGKILL mid-stream and restarted; afterwards every
 * valid reading in the topic is stored exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryIT {

    private static final int KILLS = 2;

    private final Path workDir = Path.of("target", "crash-recovery-it").toAbsolutePath();
    private final List<Process> processes = new ArrayList<>();
    private Process broker;
    private EmbeddedPostgres ownPostgres;
    private String brokers;
    private String dbUrl;
    private String dbUser;
    private String dbPassword;

    @BeforeAll
    void startExternalServers() throws Exception {
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        int port = EmbeddedServers.freePort();
        broker = startJava("broker", List.of(), List.of("broker", workDir.resolve("kafka").toString(),
                String.valueOf(port), String.valueOf(EmbeddedServers.freePort())));
        awaitLine(broker, "BROKER READY", Duration.ofSeconds(90));
        brokers = "localhost:" + port;

        dbUrl = System.getenv("IOT_TEST_DB_URL");
        if (dbUrl != null && !dbUrl.isBlank()) {
            dbUser = System.getenv().getOrDefault("IOT_TEST_DB_USER", "iot");
            dbPassword = System.getenv().getOrDefault("IOT_TEST_DB_PASSWORD", "iot");
            new Rows(dbUrl, dbUser, dbPassword).execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        } else {
            ownPostgres = EmbeddedPostgres.builder().setPort(EmbeddedServers.freePort()).start();
            dbUrl = "jdbc:postgresql://localhost:" + ownPostgres.getPort() + "/postgres";
            dbUser = "postgres";
            dbPassword = "";
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        for (Process process : processes) {
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        if (ownPostgres != null) {
            ownPostgres.close();
        }
    }

    @Test
    void everyReadingIsStoredExactlyOnceAcrossSigkillRestarts() throws Exception {
        Rows rows = new Rows(dbUrl, dbUser, dbPassword);
        TopicContents topic = new TopicContents(brokers, "device_stream");
        Random random = new Random();
        long started = System.nanoTime();

        for (int run = 1; run <= KILLS; run++) {
            Process pipeline = startPipeline(run, true);
            awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            long before = rows.count("select count(*) from iot_device_events");
            Eventually.await(Duration.ofSeconds(60), "rows arriving in run " + run,
                    () -> rows.count("select count(*) from iot_device_events") > before + 1000);
            Thread.sleep(500 + random.nextInt(2500));
            pipeline.destroyForcibly(); // SIGKILL: no shutdown hook, no graceful drain
            assertTrue(pipeline.waitFor(30, TimeUnit.SECONDS));
            assertEquals(137, pipeline.exitValue(), "killed by SIGKILL");
        }

        // a last run without the simulator drains what the killed runs left uncommitted
        Process last = startPipeline(KILLS + 1, false);
        awaitLine(last, "Started ingest", Duration.ofSeconds(120));
        Eventually.await(Duration.ofMinutes(3), "the backlog to drain", () -> topic.lag("iot-pipeline-store") == 0);

        long events = topic.all().size();
        Set<String> expected = topic.expectedReadingKeys();
        Set<String> stored = rows.readingKeys();
        long storedRows = rows.count("select count(*) from iot_device_events");
        Set<String> lost = new java.util.HashSet<>(expected);
        lost.removeAll(stored);
        System.out.printf("crash-recovery: %d SIGKILLs, %d events in topic, %d readings expected, %d stored, %d lost,"
                + " %d duplicated, %d dead letters, %.1f s%n", KILLS, events, expected.size(), stored.size(), lost.size(),
                storedRows - stored.size(), rows.count("select count(*) from iot_dead_letters"),
                (System.nanoTime() - started) / 1e9);
        PipelineIT.assertSameReadings(expected, stored);
        assertEquals(stored.size(), storedRows, "duplicated rows");
        assertTrue(expected.size() > 2000, "the test produced a real stream: " + expected.size());

        last.destroy(); // SIGTERM: a graceful stop
        assertTrue(last.waitFor(60, TimeUnit.SECONDS), "graceful stop");
    }

    @Test
    void sigtermWritesAndCommitsTheBatchInFlightThenExits() throws Exception {
        Rows rows = new Rows(dbUrl, dbUser, dbPassword);
        TopicContents topic = new TopicContents(brokers, "device_stream");
        Process pipeline = startPipeline(99, true);
        awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
        long before = rows.count("select count(*) from iot_device_events");
        Eventually.await(Duration.ofSeconds(60), "rows arriving",
                () -> rows.count("select count(*) from iot_device_events") > before + 2000);

        long signalled = System.nanoTime();
        // SIGTERM, mid-stream; through the handle, as Process.destroy() would also close the pipe the logs go through
        pipeline.toHandle().destroy();
        assertTrue(pipeline.waitFor(40, TimeUnit.SECONDS), "exits within a bounded time after SIGTERM");
        double stopSeconds = (System.nanoTime() - signalled) / 1e9;
        Path logFile = logs.get(pipeline);
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
        assertTrue(!log.contains(" ERROR "), "no errors while stopping, see " + logs.get(pipeline));
    }

    /**
     * The pipeline as docker-compose.yml runs it: the deployed profile and the connection variables of the app service
     * (ComposeFileTest checks the compose file names the same), plus the test's load, on a free port.
     */
    private Process startPipeline(int run, boolean simulate) throws IOException {
        List<String> props = List.of(
                "-Dsimulator.enabled=" + simulate,
                "-Dsimulator.eventsPerSecond=1500",
                "-Dsimulator.duplicate.share=0.02",
                "-Dprogress.intervalMs=1000",
                "-Dcamel.server.port=" + EmbeddedServers.freePort());
        Map<String, String> environment = Map.of("KAFKA_BROKERS", brokers, "DB_URL", dbUrl, "DB_USER", dbUser,
                "DB_PASSWORD", dbPassword, "INGEST_HTTP_APIKEY", "");
        assertEquals(COMPOSE_APP_ENVIRONMENT, new java.util.TreeSet<>(environment.keySet()));
        return startJava("pipeline-run-" + run, props, List.of("--propertiesLocation=file:" + DEPLOYED_PROFILE),
                environment);
    }

    /** The settings profile docker-compose.yml gives the app, and the variables it sets. */
    static final Path DEPLOYED_PROFILE = Path.of("deploy", "pipeline.properties").toAbsolutePath();
    static final Set<String> COMPOSE_APP_ENVIRONMENT =
            new java.util.TreeSet<>(List.of("KAFKA_BROKERS", "DB_URL", "DB_USER", "DB_PASSWORD", "INGEST_HTTP_APIKEY"));

    private Process startJava(String name, List<String> jvmArgs, List<String> args) throws IOException {
        return startJava(name, jvmArgs, args, Map.of());
    }

    private Process startJava(String name, List<String> jvmArgs, List<String> args, Map<String, String> environment)
            throws IOException {
        String jar = System.getProperty("pipeline.jar", "target/iot-pipeline.jar");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(new File(jar).getAbsolutePath());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        processes.add(process);
        Path log = workDir.resolve(name + ".log");
        // copy the output to a log file while tests look for lines in it
        Thread copier = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-output");
        copier.setDaemon(true);
        copier.start();
        logs.put(process, log);
        return process;
    }

    private final Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();

    private void awaitLine(Process process, String text, Duration timeout) throws Exception {
        Path log = logs.get(process);
        Eventually.await(timeout, "'" + text + "' in " + log, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("process ended early, see " + log);
            }
            return Files.exists(log) && Files.readString(log).contains(text);
        });
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

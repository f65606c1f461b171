package io.iotpipeline.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault-injection and bad-input suite: each scenario runs the packaged jar as docker compose runs it
 * ({@link ProductionPath}) against a Kafka broker in its own process and a real PostgreSQL, under load, injects one
 * kind of failure, and then compares what is stored with what was accepted. Each prints one line:
 * {@code faults: <scenario>: events sent, readings expected, stored, lost, duplicated, dead letters, recovery}.
 * Run alone with {@code mvn verify -Dgroups=faults}; skip with {@code -DexcludedGroups=faults}.
 */
@Tag("faults")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {

    private static final String GROUP = "iot-pipeline-store";
    /** Simulated load while faults happen, events per second (about 2.5 readings each). */
    private static final int LOAD_EVENTS_PER_SECOND = 800;
    private static final long SEED = Long.getLong("faults.seed", System.currentTimeMillis());
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scenario's outcome, printed as one line. */
    record Figures(String scenario, long eventsSent, long expected, long stored, long lost, long duplicated,
            long deadLetters, double recoverySeconds, String detail) {

        void print() {
            System.out.printf("faults: %s: %d events sent, %d readings expected, %d stored, %d lost, %d duplicated,"
                    + " %d dead letters, recovered in %.1f s%s%n", scenario, eventsSent, expected, stored, lost,
                    duplicated, deadLetters, recoverySeconds, detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    @Test
    @Order(1)
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

    @Test
    @Order(2)
    void postgresStoppedForThirtySeconds() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-database", true)) {
            Process pipeline = startPipeline(path, "pipeline", List.of());
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            Process load = startLoad(path, LOAD_EVENTS_PER_SECOND);
            awaitRows(path, 2000);
            assertEquals(200, status(path, pipeline, "/observe/health/ready"));

            path.stopDatabase();
            long stopped = System.nanoTime();
            Eventually.await(Duration.ofSeconds(25), "readiness DOWN while PostgreSQL is stopped",
                    () -> status(path, pipeline, "/observe/health/ready") == 503);
            double downAfter = (System.nanoTime() - stopped) / 1e9;
            assertEquals(200, status(path, pipeline, "/observe/health/live"), "alive: an outage is not a reason to restart");
            HttpResponse<String> apiWhileDown = http.send(path.asReader(pipeline, "/api/status")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, apiWhileDown.statusCode(), "the API tells clients to retry: " + apiWhileDown.body());
            assertEquals("5", apiWhileDown.headers().firstValue("Retry-After").orElse(null));
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(30) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)));
            path.startDatabase();
            long started = System.nanoTime();
            Eventually.await(Duration.ofSeconds(60), "readiness UP once PostgreSQL is back",
                    () -> status(path, pipeline, "/observe/health/ready") == 200);
            double upAfter = (System.nanoTime() - started) / 1e9;
            double recovery = awaitCaughtUp(path, started);
            assertTrue(pipeline.isAlive(), "the pipeline stayed up");
            String log = Files.readString(path.log(pipeline));
            long retries = log.lines().filter(line -> line.contains("On delivery attempt")).count();
            Figures figures = finish(path, load, "postgres stopped 30 s", recovery, String.format(
                    "readiness DOWN %.1f s after the stop, UP %.1f s after the start; %d write retries with backoff;"
                    + " recovery: PostgreSQL start to caught up", downAfter, upAfter, retries));
            assertTrue(retries > 0, "writes were retried while PostgreSQL was away");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }

    @Test
    @Order(3)
    void kafkaBrokerRestartedMidStream() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-broker")) {
            Process pipeline = startPipeline(path, "pipeline", List.of());
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            Process load = startLoad(path, LOAD_EVENTS_PER_SECOND);
            awaitRows(path, 2000);
            long before = path.rows().count("select count(*) from iot_device_events");

            long stopping = System.nanoTime();
            path.stopBroker();
            Thread.sleep(5000); // the broker away
            path.startBroker();
            long started = System.nanoTime();
            double away = (started - stopping) / 1e9;
            // the producer (load process) and the consumer (pipeline) come back by themselves
            Eventually.await(Duration.ofSeconds(120), "new rows after the broker restart",
                    () -> path.rows().count("select count(*) from iot_device_events") > before + 5000);
            double recovery = awaitCaughtUp(path, started);
            assertTrue(pipeline.isAlive() && load.isAlive(), "neither process gave up");
            Figures figures = finish(path, load, "kafka broker restarted", recovery, String.format(
                    "broker away %.1f s; recovery: broker start to caught up", away));
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }

    @Test
    @Order(4)
    void tenThousandMalformedMessagesInAValidStream() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-bad-input")) {
            Process pipeline = startPipeline(path, "pipeline", List.of("-Dsimulator.enabled=false"));
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            allowRecordsOf(path, 12_000_000); // so that the 10 MB record reaches the pipeline at all

            BadInput input = new BadInput(SEED);
            List<BadInput.Message> messages = new ArrayList<>();
            for (int i = 0; i < 9_999; i++) { // and the 10 MB one below
                messages.add(input.malformed(i));
                messages.add(input.valid(i % 20 == 0));
            }
            for (int i = 0; i < 200; i++) {
                messages.add(input.unknownFields());
            }
            messages.add(input.tenMegabytes());
            Collections.shuffle(messages, new Random(SEED));
            long sendStarted = System.nanoTime();
            List<RecordMetadata> coordinates = send(path, messages);
            long sent = System.nanoTime();
            // the route never stopped: an event sent after all of them is stored
            BadInput.Message marker = input.valid(false);
            send(path, List.of(marker));
            Eventually.await(Duration.ofMinutes(5), "the marker event stored and nothing left to read", () ->
                    path.rows().readingKeys().containsAll(marker.goodReadings()) && path.topic("device_stream").lag(GROUP) == 0);
            double recovery = (System.nanoTime() - sent) / 1e9;

            Rows rows = path.rows();
            Set<String> expected = new HashSet<>(marker.goodReadings());
            messages.forEach(m -> expected.addAll(m.goodReadings()));
            Set<String> stored = rows.readingKeys();
            long storedRows = rows.count("select count(*) from iot_device_events");

            // every malformed message has a dead letter with a reason at its coordinates; no valid one has
            Map<String, String> reasons = new TreeMap<>();
            for (Map<String, Object> row : rows.query("select kafkaPartition, kafkaOffset, reason from iot_dead_letters"
                    + " where kafkaTopic = 'device_stream'")) {
                reasons.merge(row.get("kafkapartition") + "@" + row.get("kafkaoffset"), (String) row.get("reason"),
                        (a, b) -> a + " | " + b);
            }
            Map<String, String> reasonByKind = new TreeMap<>();
            long malformed = 0;
            List<String> withoutDeadLetter = new ArrayList<>();
            List<String> validButDeadLettered = new ArrayList<>();
            for (int i = 0; i < messages.size(); i++) {
                BadInput.Message message = messages.get(i);
                String at = coordinates.get(i).partition() + "@" + coordinates.get(i).offset();
                String reason = reasons.get(at);
                if (message.malformed()) {
                    malformed++;
                    if (reason == null || reason.isBlank()) {
                        withoutDeadLetter.add(message.kind() + " at " + at);
                    } else {
                        reasonByKind.putIfAbsent(message.kind(), reason);
                    }
                } else if (reason != null) {
                    validButDeadLettered.add(message.kind() + " at " + at + ": " + reason);
                }
            }
            reasonByKind.forEach((kind, reason) -> System.out.println("bad input: " + kind + " -> "
                    + (reason.length() > 200 ? reason.substring(0, 200) + "…" : reason)));

            // text that looks like SQL is stored as it came
            Map<String, String> injected = new LinkedHashMap<>();
            messages.forEach(m -> injected.putAll(m.storedText()));
            Map<String, String> storedText = new java.util.HashMap<>();
            for (Map<String, Object> row : rows.query("select eventId, deviceId, customerId, eventPublisher"
                    + " from iot_device_events where deviceId like '%''%'")) {
                storedText.put(row.get("eventid") + "/" + row.get("deviceid"),
                        row.get("customerid") + "|" + row.get("eventpublisher") + "|" + row.get("deviceid"));
            }

            Set<String> lost = new HashSet<>(expected);
            lost.removeAll(stored);
            long deadLetters = rows.count("select count(*) from iot_dead_letters");
            new Figures("10000 malformed messages", messages.size() + 1, expected.size(), stored.size(), lost.size(),
                    storedRows - stored.size(), deadLetters, recovery, String.format("%d malformed of %d kinds, sent in"
                    + " %.1f s; recovery: last message sent to all read", malformed, reasonByKind.size(),
                    (sent - sendStarted) / 1e9)).print();
            assertEquals(List.of(), withoutDeadLetter, "malformed messages without a dead letter");
            assertEquals(List.of(), validButDeadLettered, "valid messages that became dead letters");
            PipelineIT.assertSameReadings(expected, stored);
            assertEquals(stored.size(), storedRows, "duplicated rows");
            assertEquals(injected, Map.copyOf(storedText), "SQL-like text stored as plain data");
            assertTrue(injected.size() > 100, "injection strings were sent: " + injected.size());
            assertEquals(10_000, malformed);
            assertTrue(pipeline.isAlive());
            path.assertNoSecretInLogs();
        }
    }

    @Test
    @Order(5)
    void rowsTheDatabaseRejectsBecomeDeadLettersWithoutFailingTheirBatch() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-constraints")) {
            Process pipeline = startPipeline(path, "pipeline", List.of("-Dsimulator.enabled=false"));
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            // A database stricter than the pipeline's rules (which already keep deviceId within its column): here
            // deviceIds over 8 characters break a constraint the pipeline does not know about.
            path.rows().execute("ALTER TABLE iot_device_events ADD CONSTRAINT deviceid_at_most_8_chars"
                    + " CHECK (length(deviceId) <= 8)");
            List<BadInput.Message> messages = new ArrayList<>();
            Set<String> expected = new HashSet<>();
            Set<String> rejected = new HashSet<>();
            String time = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusMinutes(1)
                    .format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN);
            for (int i = 0; i < 5000; i++) {
                String eventId = java.util.UUID.randomUUID().toString();
                List<String> devices = new ArrayList<>();
                for (int d = 1; d <= 3; d++) {
                    devices.add(BadInput.device("D" + d, 20 + d, "C", "SUCCESS"));
                    expected.add(eventId + "/D" + d);
                }
                if (i % 7 == 0) {
                    devices.add(BadInput.device("TOO-LONG-" + (i % 1000), 20, "C", "ERROR"));
                    rejected.add(eventId + "/TOO-LONG-" + (i % 1000));
                }
                messages.add(new BadInput.Message("valid", BadInput.event(eventId, "CI100", "device", time,
                        String.join(",", devices)).getBytes(java.nio.charset.StandardCharsets.UTF_8), List.of(), Map.of()));
            }
            long sendStarted = System.nanoTime();
            send(path, messages);
            long sent = System.nanoTime();
            Eventually.await(Duration.ofMinutes(3), "everything read",
                    () -> path.topic("device_stream").lag(GROUP) == 0);
            double recovery = (System.nanoTime() - sent) / 1e9;

            Rows rows = path.rows();
            Set<String> stored = rows.readingKeys();
            long storedRows = rows.count("select count(*) from iot_device_events");
            Set<String> deadLettered = new HashSet<>();
            for (Map<String, Object> row : rows.query("select eventId, deviceId, reason from iot_dead_letters")) {
                assertTrue(((String) row.get("reason")).startsWith("rejected by the database: ")
                        && ((String) row.get("reason")).contains("deviceid_at_most_8_chars"), row.toString());
                deadLettered.add(row.get("eventid") + "/" + row.get("deviceid"));
            }
            String log = Files.readString(path.log(pipeline));
            long retries = log.lines().filter(line -> line.contains("On delivery attempt")).count();
            long rowByRow = log.lines().filter(line -> line.contains("storing it row by row")).count();
            Set<String> lost = new HashSet<>(expected);
            lost.removeAll(stored);
            new Figures("constraint-breaking rows", messages.size(), expected.size(), stored.size(), lost.size(),
                    storedRows - stored.size(), deadLettered.size(), recovery, String.format("%d rows the database"
                    + " rejected, %d batches stored row by row, %d retried writes, sent in %.1f s; recovery: last"
                    + " message sent to all read", rejected.size(), rowByRow, retries, (sent - sendStarted) / 1e9))
                    .print();
            PipelineIT.assertSameReadings(expected, stored);
            assertEquals(stored.size(), storedRows, "duplicated rows");
            assertEquals(rejected, deadLettered, "each rejected row, and only those, is a dead letter");
            assertEquals(0, retries, "a rejected row is never retried and never fails its batch");
            assertTrue(rowByRow > 0 && rowByRow <= rejected.size());
            path.assertNoSecretInLogs();
        }
    }

    @Test
    @Order(6)
    void threeTimesTheSinksCapacityForSixtySeconds() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-overload")) {
            // On 2 shared cores the simulator cannot offer three times the sink's real ~30,000 readings/s, so the
            // sink is held to a capacity it can be overloaded at: 2 JDBC batches per second (store.throttle.*) of
            // at most 500 records (batches grow with a backlog, which would raise a throttled sink's capacity).
            Process pipeline = startPipeline(path, "pipeline", List.of("-Xmx256m", "-Dsimulator.enabled=false",
                    "-Dstore.throttle.batchesPerSecond=2", "-Dstore.batch.maxEvents=500", "-Dstore.batch.rows=500"));
            path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
            HeapSampler heap = new HeapSampler(path, pipeline);
            heap.start();

            // the sink's capacity, measured on a backlog
            BadInput input = new BadInput(SEED);
            List<BadInput.Message> backlog = new ArrayList<>();
            for (int i = 0; i < 6000; i++) {
                backlog.add(input.valid(false));
            }
            send(path, backlog);
            awaitRows(path, 1000);
            long rows0 = path.rows().count("select count(*) from iot_device_events");
            long t0 = System.nanoTime();
            Thread.sleep(10_000);
            double capacity = (path.rows().count("select count(*) from iot_device_events") - rows0)
                    / ((System.nanoTime() - t0) / 1e9);
            Eventually.await(Duration.ofMinutes(2), "the capacity backlog drained",
                    () -> path.topic("device_stream").lag(GROUP) == 0);

            // three times that, for 60 s
            int eventsPerSecond = (int) Math.round(3 * capacity / 2.5);
            long topicBefore = path.topic("device_stream").size();
            Process load = startLoad(path, eventsPerSecond);
            path.awaitLine(load, "Started simulate", Duration.ofSeconds(120));
            long overloadStarted = System.nanoTime();
            Thread.sleep(60_000);
            load.toHandle().destroy();
            assertTrue(load.waitFor(60, TimeUnit.SECONDS));
            double overloadSeconds = (System.nanoTime() - overloadStarted) / 1e9;
            long stopped = System.nanoTime();
            long offeredEvents = path.topic("device_stream").size() - topicBefore;
            long backlogEvents = path.topic("device_stream").lag(GROUP);
            long heapAtEnd = heap.peak();

            Eventually.await(Duration.ofMinutes(6), "caught up", () -> path.topic("device_stream").lag(GROUP) == 0);
            double catchUp = (System.nanoTime() - stopped) / 1e9;
            heap.stop();
            Figures figures = counted(path, "overload 3x capacity for 60 s", catchUp, String.format("capacity %.0f"
                    + " readings/s, offered %.0f events/s (~%.0f readings/s) for %.0f s, backlog waiting in Kafka at"
                    + " the end %d events, heap peak %d MB of -Xmx256m (%d MB at the end of the overload); recovery:"
                    + " end of the overload to caught up", capacity, offeredEvents / overloadSeconds,
                    offeredEvents / overloadSeconds * 2.5, overloadSeconds, backlogEvents, heap.peak() >> 20,
                    heapAtEnd >> 20));
            assertNothingLostOrDuplicated(path, figures);
            assertTrue(pipeline.isAlive());
            assertFalse(Files.readString(path.log(pipeline)).contains("OutOfMemoryError"));
            // the surplus waited in Kafka, not in the heap
            double surplusEvents = offeredEvents - capacity / 2.5 * overloadSeconds;
            assertTrue(backlogEvents > 0.7 * surplusEvents, "backlog " + backlogEvents + " events in Kafka, surplus "
                    + surplusEvents);
            assertTrue(offeredEvents / overloadSeconds * 2.5 > 2.2 * capacity, "the load was about 3x the capacity");
        }
    }

    // ---- helpers ----

    private static Process startPipeline(ProductionPath path, String name, List<String> settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dsimulator.enabled=false", "-Dprogress.intervalMs=2000"));
        all.addAll(settings);
        return path.startPipeline(name, all);
    }

    /** Simulated devices in a process of their own (store.enabled=false), so the load goes on while the pipeline dies. */
    private static Process startLoad(ProductionPath path, int eventsPerSecond) throws Exception {
        return path.startPipeline("load", List.of("-Dstore.enabled=false", "-Dhealth.enabled=false",
                "-Danomaly.enabled=false", "-Dsimulator.enabled=true", "-Dsimulator.eventsPerSecond=" + eventsPerSecond,
                "-Dsimulator.duplicate.share=0.02", "-Dsimulator.seed=" + SEED));
    }

    private static void awaitRows(ProductionPath path, long rows) throws Exception {
        Eventually.await(Duration.ofSeconds(120), rows + " rows stored",
                () -> path.rows().count("select count(*) from iot_device_events") > rows);
    }

    /** Seconds from {@code since} until the consumer group is within one second of load of the topic's end. */
    private static double awaitCaughtUp(ProductionPath path, long since) throws Exception {
        Eventually.await(Duration.ofMinutes(4), "the pipeline caught up",
                () -> path.topic("device_stream").lag(GROUP) <= LOAD_EVENTS_PER_SECOND);
        return (System.nanoTime() - since) / 1e9;
    }

    /** Stops the load, lets the pipeline read the rest, prints the figures and checks nothing was lost or doubled. */
    private static Figures finish(ProductionPath path, Process load, String scenario, double recovery, String detail)
            throws Exception {
        load.toHandle().destroy(); // SIGTERM: the simulator stops, its last sends complete
        assertTrue(load.waitFor(60, TimeUnit.SECONDS), "the load process stops");
        TopicContents topic = path.topic("device_stream");
        long[] lastSize = {-1};
        Eventually.await(Duration.ofMinutes(4), "all events read", () -> {
            long size = topic.size();
            boolean settled = size == lastSize[0] && topic.lag(GROUP) == 0;
            lastSize[0] = size;
            return settled;
        });
        Figures figures = counted(path, scenario, recovery, detail);
        assertNothingLostOrDuplicated(path, figures);
        return figures;
    }

    private static Figures counted(ProductionPath path, String scenario, double recovery, String detail)
            throws Exception {
        TopicContents topic = path.topic("device_stream");
        Rows rows = path.rows();
        Set<String> expected = topic.expectedReadingKeys();
        Set<String> stored = rows.readingKeys();
        long storedRows = rows.count("select count(*) from iot_device_events");
        Set<String> lost = new HashSet<>(expected);
        lost.removeAll(stored);
        Figures figures = new Figures(scenario, topic.size(), expected.size(), stored.size(), lost.size(),
                storedRows - stored.size(), rows.count("select count(*) from iot_dead_letters"), recovery, detail);
        figures.print();
        path.assertNoSecretInLogs();
        return figures;
    }

    private static void assertNothingLostOrDuplicated(ProductionPath path, Figures figures) throws Exception {
        PipelineIT.assertSameReadings(path.topic("device_stream").expectedReadingKeys(), path.rows().readingKeys());
        assertEquals(0, figures.duplicated(), "duplicated rows");
        assertEquals(0, figures.lost(), "lost readings");
    }

    private int status(ProductionPath path, Process pipeline, String uri) {
        try {
            return http.send(HttpRequest.newBuilder(path.http(pipeline, uri)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Lets the topic take records up to {@code bytes} (the broker's default is ~1 MB). */
    private static void allowRecordsOf(ProductionPath path, int bytes) throws Exception {
        Map<String, Object> config = new java.util.HashMap<>(path.kafkaClientProperties());
        config.put("bootstrap.servers", path.brokers);
        try (Admin admin = Admin.create(config)) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "device_stream");
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", String.valueOf(bytes)), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends the messages as they are (bytes, null for a tombstone) and returns where each landed. */
    private static List<RecordMetadata> send(ProductionPath path, List<BadInput.Message> messages) throws Exception {
        Properties props = new Properties();
        props.putAll(path.kafkaClientProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, path.brokers);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 12_000_000);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64_000_000);
        List<java.util.concurrent.Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            int i = 0;
            for (BadInput.Message message : messages) {
                futures.add(producer.send(new ProducerRecord<>("device_stream", "CI" + (i++ % 10), message.value())));
            }
            producer.flush();
        }
        List<RecordMetadata> metadata = new ArrayList<>();
        for (var future : futures) {
            metadata.add(future.get(60, TimeUnit.SECONDS));
        }
        return metadata;
    }

    /** Samples the pipeline's heap in use through Jolokia (read-only) once a second. */
    private final class HeapSampler {
        private final ProductionPath path;
        private final Process pipeline;
        private final AtomicLong peak = new AtomicLong();
        private volatile boolean running = true;
        private final Thread thread = new Thread(this::run, "heap-sampler");

        HeapSampler(ProductionPath path, Process pipeline) {
            this.path = path;
            this.pipeline = pipeline;
        }

        void start() {
            thread.setDaemon(true);
            thread.start();
        }

        long peak() {
            return peak.get();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(5000);
        }

        private void run() {
            while (running) {
                try {
                    String body = http.send(path.asOperator(pipeline,
                            "/observe/jolokia/read/java.lang:type=Memory/HeapMemoryUsage").build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                    long used = JSON.readTree(body).path("value").path("used").asLong();
                    peak.accumulateAndGet(used, Math::max);
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // not up yet
                }
            }
        }
    }
}

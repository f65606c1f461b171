package io.iotpipeline.it;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fault suite's shared harness. Each scenario (a class of its own, tag {@code faults}) runs the packaged jar as
 * docker compose runs it ({@link ProductionPath}) against a Kafka broker in its own process and a real PostgreSQL,
 * under load from a second process, injects one kind of failure, then compares what is stored with what was
 * accepted, read back independently, and prints one line: {@code faults: <scenario>: events sent, readings expected,
 * stored, lost, duplicated, dead letters, recovery}. Run them alone with {@code mvn verify -Dgroups=faults}; skip
 * them with {@code -DexcludedGroups=faults}.
 */
final class FaultScenario {

    private FaultScenario() {
    }


    static final String GROUP = "iot-pipeline-store";
    /** Simulated load while faults happen, events per second (about 2.5 readings each). */
    static final int LOAD_EVENTS_PER_SECOND = 800;
    static final long SEED = Long.getLong("faults.seed", System.currentTimeMillis());
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One scenario's outcome, printed as one line. */
    record Figures(String scenario, long eventsSent, long expected, long stored, long lost, long duplicated,
            long deadLetters, double recoverySeconds, String detail) {

        void print() {
            System.out.printf("faults: %s: %d events sent, %d readings expected, %d stored, %d lost, %d duplicated,"
                    + " %d dead letters, recovered in %.1f s%s%n", scenario, eventsSent, expected, stored, lost,
                    duplicated, deadLetters, recoverySeconds, detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }


    /** The pipeline and the simulated load that most scenarios start with, once it streams. */
    record Streaming(Process pipeline, Process load) {
    }

    /** Starts the pipeline, then the load, and returns once 2,000 readings are stored. */
    static Streaming streamingUnderLoad(ProductionPath path) throws Exception {
        return streamingUnderLoad(path, List.of(), List.of());
    }

    /** The same, with settings on top of the deployed profile for the pipeline and for the load process. */
    static Streaming streamingUnderLoad(ProductionPath path, List<String> pipelineSettings, List<String> loadSettings)
            throws Exception {
        Process pipeline = started(path, pipelineSettings);
        Process load = startLoad(path, LOAD_EVENTS_PER_SECOND, loadSettings);
        awaitRows(path, 2000);
        return new Streaming(pipeline, load);
    }

    /** Starts the pipeline and returns once its ingest route runs. */
    static Process started(ProductionPath path, List<String> settings) throws Exception {
        Process pipeline = startPipeline(path, "pipeline", settings);
        path.awaitLine(pipeline, "Started ingest", Duration.ofSeconds(120));
        return pipeline;
    }

    static Process startPipeline(ProductionPath path, String name, List<String> settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dsimulator.enabled=false", "-Dprogress.intervalMs=2000"));
        all.addAll(settings);
        return path.startPipeline(name, all);
    }

    /** Simulated devices in a process of their own (store.enabled=false), so the load goes on while the pipeline dies. */
    static Process startLoad(ProductionPath path, int eventsPerSecond) throws Exception {
        return startLoad(path, eventsPerSecond, List.of());
    }

    static Process startLoad(ProductionPath path, int eventsPerSecond, List<String> settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("-Dstore.enabled=false", "-Dhealth.enabled=false",
                "-Danomaly.enabled=false", "-Dsimulator.enabled=true", "-Dsimulator.eventsPerSecond=" + eventsPerSecond,
                "-Dsimulator.duplicate.share=0.02", "-Dsimulator.conflict.share=0.01", "-Dsimulator.seed=" + SEED));
        all.addAll(settings);
        return path.startPipeline("load", all);
    }

    static void awaitRows(ProductionPath path, long rows) throws Exception {
        Eventually.await(Duration.ofSeconds(120), rows + " rows stored",
                () -> path.rows().count("select count(*) from iot_device_events") > rows);
    }

    /** Seconds from {@code since} until the consumer group is within one second of load of the topic's end. */
    static double awaitCaughtUp(ProductionPath path, long since) throws Exception {
        Eventually.await(Duration.ofMinutes(4), "the pipeline caught up",
                () -> path.topic("device_stream").lag(GROUP) <= LOAD_EVENTS_PER_SECOND);
        return (System.nanoTime() - since) / 1e9;
    }

    /** Stops the load, lets the pipeline read the rest, prints the figures and checks nothing was lost or doubled. */
    static Figures finish(ProductionPath path, Process load, String scenario, double recovery, String detail)
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

    static Figures counted(ProductionPath path, String scenario, double recovery, String detail)
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

    static void assertNothingLostOrDuplicated(ProductionPath path, Figures figures) throws Exception {
        PipelineIT.assertSameReadings(path.topic("device_stream").expectedReadingKeys(), path.rows().readingKeys());
        // duplicated counts every row beyond one per (eventId, deviceId): the load re-sends 1 % of its events with
        // another eventTime, and each such re-send must be a CONFLICT dead letter, not a second row
        assertEquals(0, figures.duplicated(), "duplicated rows");
        assertEquals(0, figures.lost(), "lost readings");
        assertTrue(path.rows().count("select count(*) from iot_dead_letters where reason like 'CONFLICT%'") > 0,
                "the load's re-sends with another eventTime are conflicts");
        // the load is a mixed fleet: its weather stations' humidity and pressure, each stored once too
        Set<String> measurements = path.topic("device_stream").expectedMeasurementKeys();
        assertTrue(!measurements.isEmpty(), "the load has weather stations");
        assertEquals(measurements, path.rows().measurementKeys(), "the measurements stored, each once");
    }

    static int status(ProductionPath path, Process pipeline, String uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(path.http(pipeline, uri)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Lets the topic take records up to {@code bytes} (the broker's default is ~1 MB). */
    static void allowRecordsOf(ProductionPath path, int bytes) throws Exception {
        try (Admin admin = path.topic("device_stream").admin()) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "device_stream");
            admin.incrementalAlterConfigs(Map.of(topic, List.of(new AlterConfigOp(
                    new ConfigEntry("max.message.bytes", String.valueOf(bytes)), AlterConfigOp.OpType.SET))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends the messages as they are (bytes, null for a tombstone) and returns where each landed. */
    static List<RecordMetadata> send(ProductionPath path, List<BadInput.Message> messages) throws Exception {
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
    static final class HeapSampler {
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
                    String body = HTTP.send(path.asOperator(pipeline,
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

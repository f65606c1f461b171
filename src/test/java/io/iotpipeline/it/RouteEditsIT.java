package io.iotpipeline.it;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import io.iotpipeline.TestEvent;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The route edits of docs/operations.md, each run from its example file as the document shows it, on a real broker and
 * database: a second topic's pipeline added by properties alone, a YAML route before the store that drops and enriches
 * readings, and what a failing YAML route before the store does to its batch.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteEditsIT {

    static final Path EXAMPLES = Path.of("docs/examples");
    static final Path OPERATIONS = Path.of("docs/operations.md");

    private EmbeddedServers servers;
    private Main main;

    @BeforeAll
    void servers() throws Exception {
        servers = EmbeddedServers.onFreePorts("iot-route-edits-it");
        servers.properties().put("simulator.enabled", "false");
    }

    @AfterEach
    void stopPipeline() throws Exception {
        if (main != null) {
            main.stop();
            main = null;
        }
    }

    @Test
    void theExamplesAreTheOnesTheDocumentShows() throws Exception {
        String operations = Files.readString(OPERATIONS);
        for (Path example : List.of(EXAMPLES.resolve("second-topic.properties"),
                EXAMPLES.resolve("routes/drop-test-devices.yaml"))) {
            assertTrue(operations.contains(Files.readString(example).strip()),
                    OPERATIONS + " shows " + example + " as it is");
        }
    }

    @Test
    void aSecondTopicIsASecondPipelineByPropertiesAloneAndAYamlRouteDropsAndEnrichesBeforeTheStore() throws Exception {
        Properties props = new Properties();
        try (Reader example = Files.newBufferedReader(EXAMPLES.resolve("second-topic.properties"))) {
            props.load(example);
        }
        main = start(EXAMPLES.resolve("routes/drop-test-devices.yaml"), props);
        assertEquals("Started", main.getCamelContext().getRouteController().getRouteStatus("ingest-lab").name());
        assertEquals("Started", main.getCamelContext().getRouteController().getRouteStatus("ingest").name());

        TopicContents lab = servers.topic().other("lab_stream");
        List<String> events = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            events.add(TestEvent.of(UUID.randomUUID().toString()).customer("CI00901").offset(i)
                    .device("L" + i, 20 + i, "C", "SUCCESS").device("TEST-" + i, 1, "C", "SUCCESS")
                    .device("E" + i, 20, "C", "ERROR").json());
        }
        lab.send("CI00901", events.toArray(String[]::new));
        // a replay of the same events: stored once all the same
        lab.send("CI00901", events.toArray(String[]::new));
        String mainEvent = UUID.randomUUID().toString();
        servers.topic().send("CI00902", TestEvent.of(mainEvent).customer("CI00902").device("M1", 20, "C", "SUCCESS")
                .device("E1", 20, "C", "ERROR").json());

        Rows rows = servers.rows();
        Eventually.await(Duration.ofSeconds(60), "the lab's readings and the main topic's", () ->
                rows.count("select count(*) from iot_device_events where customerId = 'CI00901'") == 20
                        && rows.count("select count(*) from iot_device_events where eventId = '" + mainEvent + "'") == 2
                        // a dead letter is keyed by its Kafka record: each send of a test device's reading is one
                        && rows.count("select count(*) from iot_dead_letters where deviceId like 'TEST-%'") == 40
                        && rows.count("select count(*) from iot_dead_letters where deviceId like 'E%'") == 40);
        Thread.sleep(2000); // the replay has been read too: still once
        assertEquals(20, rows.count("select count(distinct (eventId, deviceId)) from iot_device_events"
                + " where customerId = 'CI00901'"));
        assertEquals(20, rows.count("select count(*) from iot_device_events where customerId = 'CI00901'"
                + " and kafkaTopic = 'lab_stream' and deviceId like 'L%' and extraFields->>'site' = 'plant-1'"),
                "every lab reading came through ingest-lab and the YAML route's enrichment");
        assertEquals(40, rows.count("select count(*) from iot_dead_letters where deviceId like 'TEST-%'"
                + " and reason = 'DROPPED before the store: deviceId starts with ''TEST-'''"));
        assertEquals(0, rows.count("select count(*) from iot_device_events where deviceId like 'TEST-%'"));
        assertEquals(2, rows.count("select count(*) from iot_device_events where eventId = '" + mainEvent + "'"
                + " and kafkaTopic = 'device_stream' and extraFields->>'site' = 'plant-1'"),
                "the shipped instance keeps its ERROR readings (readings.statuses)");
        // the lab instance's own reading rules (statuses = SUCCESS) and row batches (rowsPerBatch = 10)
        assertEquals(40, rows.count("select count(*) from iot_dead_letters where deviceId like 'E%'"
                + " and kafkaTopic = 'lab_stream' and reason like '%: status %ERROR% is not one of SUCCESS (readings.statuses)'"),
                () -> "dead letters: " + query(rows, "select deadLetterKey, kafkaTopic, reason from iot_dead_letters"
                        + " where deviceId like 'E%' limit 3"));
        DistributionSummary batches = main.getCamelContext().getRegistry().findSingleByType(MeterRegistry.class)
                .find("iot.write.batch.rows").summary();
        assertTrue(batches.max() <= 10, "row batches of at most 10 rows, the largest had " + batches.max());
    }

    @Test
    void aFailingYamlRouteBeforeTheStoreTurnsItsBatchesIntoDeadLettersAndTheConsumerGoesOn(@TempDir Path routes)
            throws Exception {
        main = start(routeBeforeTheStoreThrowing(routes, "broken-enrichment", "java.lang.IllegalStateException",
                "the enrichment service is away"));

        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        servers.topic().send("CI00903", TestEvent.of(first).customer("CI00903").device("F1", 20, "C", "SUCCESS")
                .device("F2", 21, "C", "SUCCESS").json());
        servers.topic().send("CI00903", TestEvent.of(second).customer("CI00903").offset(2)
                .device("F1", 22, "C", "SUCCESS").json());

        Rows rows = servers.rows();
        Eventually.await(Duration.ofSeconds(60), "both events' readings as dead letters", () ->
                rows.count("select count(*) from iot_dead_letters where eventId in ('" + first + "', '" + second + "')")
                        == 3);
        List<Map<String, Object>> letters = rows.query("select reason from iot_dead_letters where eventId = '"
                + first + "'");
        assertEquals("DROPPED before the store: route broken-enrichment failed: the enrichment service is away",
                letters.get(0).get("reason"));
        assertEquals(0, rows.count("select count(*) from iot_device_events where customerId = 'CI00903'"));
        Eventually.await(Duration.ofSeconds(30), "the consumer commits past the failing batches",
                () -> servers.topic().lag("iot-pipeline-store") == 0);
    }

    @Test
    void aYamlRouteBeforeTheStoreWhoseServerIsAwayHoldsItsBatchUntilItGetsThrough(@TempDir Path routes)
            throws Exception {
        main = start(routeBeforeTheStoreThrowing(routes, "enrichment-away", "java.net.ConnectException",
                "Connection refused"));
        String held = UUID.randomUUID().toString();
        servers.topic().send("CI00904", TestEvent.of(held).customer("CI00904").device("H1", 20, "C", "SUCCESS").json());
        Rows rows = servers.rows();
        Thread.sleep(8000);
        assertEquals(0, rows.count("select count(*) from iot_dead_letters where eventId = '" + held + "'"),
                "a server away is no reason to drop readings");
        assertEquals(0, rows.count("select count(*) from iot_device_events where eventId = '" + held + "'"));
        assertTrue(servers.topic().lag("iot-pipeline-store") > 0, "the batch is not committed");
        main.stop();

        // the server is back (here: no such route any more): the batch gets through, stored once
        main = start(null);
        Eventually.await(Duration.ofSeconds(60), "the held reading, stored",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + held + "'") == 1);
    }

    /** A YAML route before the store that fails every batch with this exception, in a file of its own. */
    private static Path routeBeforeTheStoreThrowing(Path folder, String id, String exceptionType, String message)
            throws java.io.IOException {
        return Files.writeString(folder.resolve(id + ".yaml"), """
                - route:
                    id: %s
                    from:
                      uri: direct:readings-before-store
                      steps:
                        - throwException:
                            exceptionType: %s
                            message: %s
                """.formatted(id, exceptionType, message));
    }

    /** The pipeline on these servers with these YAML routes (none: null). */
    private static Object query(Rows rows, String sql) {
        try {
            return rows.query(sql);
        } catch (java.sql.SQLException e) {
            return e.getMessage();
        }
    }

    private Main start(Path routes) throws Exception {
        return start(routes, new Properties());
    }

    private Main start(Path routes, Properties settings) throws Exception {
        Properties props = new Properties();
        props.putAll(settings);
        if (routes != null) {
            props.put("camel.main.routesIncludePattern", "file:" + routes);
        }
        return servers.startPipeline(props);
    }
}

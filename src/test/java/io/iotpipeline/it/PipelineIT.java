package io.iotpipeline.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import io.iotpipeline.Application;
import io.iotpipeline.TestEvent;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.simulator.DeviceSimulator;
import io.iotpipeline.store.BinaryArray;
import io.iotpipeline.store.Database;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole pipeline in this JVM on its embedded, real Kafka broker and PostgreSQL server: events go into the topic,
 * rows and dead letters come out of the database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineIT {

    static final String SEED_EVENT = """
            {"eventId":"e3cb26d3-41b2-49a2-84f3-0156ed8d7502","eventOffset":10001,"eventPublisher":"device",\
            "customerId":"CI00103","data":{"devices":[{"deviceId":"D001","temperature":15,"measure":"C","status":"ERROR"},\
            {"deviceId":"D002","temperature":16,"measure":"C","status":"SUCCESS"}]},\
            "eventTime":"2023-01-05 11:13:53.643364"}""";

    private Main main;
    private CamelContext context;
    private TopicContents topic;
    private Rows rows;
    private int dbPort;
    private EmbeddedServers servers;
    private int httpPort;

    @BeforeAll
    void startPipeline() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-pipeline-it");
        this.servers = servers;
        dbPort = servers.dbPort();
        httpPort = servers.httpPort();
        Properties props = servers.properties();
        // the test starts the simulator itself, with a fixed seed and a fixed number of events
        props.put("simulator.enabled", "false");
        props.put("simulator.eventsPerSecond", "2500");
        props.put("simulator.maxEvents", "10000");
        props.put("simulator.seed", "42");
        props.put("progress.intervalMs", "2000");
        main = Application.camelMain();
        Application.loadRoutesFolderIfPresent(main, java.nio.file.Path.of("routes"));
        main.setOverrideProperties(props);
        main.start();
        context = main.getCamelContext();
        topic = servers.topic();
        rows = servers.rows();
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void theSeedExampleEventBecomesExactlyItsRows() throws Exception {
        topic.send("CI00103", SEED_EVENT);
        String where = " from iot_device_events where eventId = 'e3cb26d3-41b2-49a2-84f3-0156ed8d7502'";
        Eventually.await(Duration.ofSeconds(60), "the seed event's rows", () -> rows.count("select count(*)" + where) == 2);
        assertEquals(2, rows.count("select count(*)" + where + " and kafkaTimestamp between now() - interval '2 minutes'"
                + " and ingestedAt"), "the Kafka record's timestamp is kept, before the row was stored");

        List<Map<String, Object>> stored = rows.query("select eventId::text, customerId, eventOffset, eventPublisher,"
                + " to_char(eventTime, 'YYYY-MM-DD HH24:MI:SS.US') as eventTime, deviceId, measure, status, temperature,"
                + " extraFields" + where + " order by deviceId");
        assertEquals(List.of(
                row("e3cb26d3-41b2-49a2-84f3-0156ed8d7502", "CI00103", 10001L, "device", "2023-01-05 11:13:53.643364",
                        "D001", "C", "ERROR", 15.0),
                row("e3cb26d3-41b2-49a2-84f3-0156ed8d7502", "CI00103", 10001L, "device", "2023-01-05 11:13:53.643364",
                        "D002", "C", "SUCCESS", 16.0)), stored);
    }

    /** The store's binary arrays say to PostgreSQL what their text says, sent in binary or (binary transfer off) as text. */
    @Test
    void binaryArraysAreReadAsTheirValues() throws Exception {
        UUID id = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        java.time.LocalDateTime time = java.time.LocalDateTime.of(2023, 1, 5, 11, 13, 53, 643_364_000);
        Properties binary = new Properties();
        binary.put("binaryTransferEnable", "UUID_ARRAY,TIMESTAMP_ARRAY,TIMESTAMPTZ_ARRAY");
        Properties text = new Properties();
        text.put("binaryTransferDisable", "UUID_ARRAY,TIMESTAMP_ARRAY,TIMESTAMPTZ_ARRAY,TEXT_ARRAY");
        for (Properties driver : List.of(binary, text)) {
            assertEquals("{e3cb26d3-41b2-49a2-84f3-0156ed8d7502,NULL}", rows.echo("SELECT CAST(? AS uuid[])::text",
                    BinaryArray.uuids(new UUID[] {id, null}), driver), driver.toString());
            assertEquals("{\"2023-01-05 11:13:53.643364\",\"1999-12-31 23:59:59.999999\"}", rows.echo(
                    "SELECT CAST(? AS timestamp[])::text", BinaryArray.timestamps(new java.time.LocalDateTime[] {time,
                            java.time.LocalDateTime.of(1999, 12, 31, 23, 59, 59, 999_999_000)}), driver), driver.toString());
            assertEquals("{\"2023-01-05 11:13:53.700\",NULL,\"2000-01-01 00:00:00.000\"}", rows.echo(
                    "SELECT array(SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS')"
                            + " FROM unnest(CAST(? AS timestamptz[])) t)::text",
                    BinaryArray.epochMillis(new long[] {1672917233700L, -1, 946684800000L}), driver), driver.toString());
            assertEquals("{CI00103,NULL,\"a \\\"quoted\\\" \\\\ é\",\"\"}", rows.echo("SELECT CAST(? AS text[])::text",
                    BinaryArray.texts(new String[] {"CI00103", null, "a \"quoted\" \\ é", ""}), driver), driver.toString());
            assertEquals("{}", rows.echo("SELECT CAST(? AS text[])::text", BinaryArray.texts(new String[0]), driver));
        }
        // a Kafka timestamp past what a long holds in microseconds is refused, never wrapped into another time
        java.sql.SQLException far = assertThrows(java.sql.SQLException.class, () -> rows.echo(
                "SELECT CAST(? AS timestamptz[])::text", BinaryArray.epochMillis(new long[] {Long.MAX_VALUE}), binary));
        assertTrue(far.getMessage().contains("out of range"), far.getMessage());
    }

    @Test
    void eachStepOfTheIngestRouteCountsInTheDomainsUnitsInJmx() throws Exception {
        String eventId = UUID.randomUUID().toString();
        topic.send("CI00105", TestEvent.of(eventId).customer("CI00105").device("S001", 20, "C", "SUCCESS")
                .device("S002", 21, "C", "BROKEN").json());
        Eventually.await(Duration.ofSeconds(60), "the event's valid reading",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + eventId + "'") == 1);
        var jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        java.util.function.Function<String, javax.management.ObjectName> step = name -> {
            try {
                return new javax.management.ObjectName("org.apache.camel:context=" + context.getManagementName()
                        + ",type=steps,name=" + javax.management.ObjectName.quote("ingest/" + name));
            } catch (javax.management.MalformedObjectNameException e) {
                throw new IllegalArgumentException(e);
            }
        };
        assertEquals("events", jmx.getAttribute(step.apply("unmarshal-events"), "Unit"));
        assertTrue((Long) jmx.getAttribute(step.apply("unmarshal-events"), "Passed") >= 1);
        assertTrue((Long) jmx.getAttribute(step.apply("split-devices"), "Passed") >= 2, "both devices split");
        assertTrue((Long) jmx.getAttribute(step.apply("filter-readings"), "Refused") >= 1);
        assertTrue(((String) jmx.getAttribute(step.apply("filter-readings"), "RefusedByReason")).contains("status="),
                "refused by reason: " + jmx.getAttribute(step.apply("filter-readings"), "RefusedByReason"));
        assertEquals("late", jmx.getAttribute(step.apply("flag-late-readings"), "Noting"));
        assertEquals("rows", jmx.getAttribute(step.apply("store-readings-with-analytics"), "Unit"));
        assertTrue((Long) jmx.getAttribute(step.apply("store-readings-with-analytics"), "Passed") >= 1);
    }

    @Test
    void extraSensorFieldsAreKept() throws Exception {
        String eventId = UUID.randomUUID().toString();
        topic.send("CI00104", TestEvent.of(eventId).customer("CI00104").devices("{\"deviceId\":\"D003\",\"temperature\":21.5,\"measure\":\"C\",\"status\":\"STANDBY\","
                        + "\"humidity\":40,\"pressure\":1013.2}").json());
        Eventually.await(Duration.ofSeconds(60), "the reading with extra fields",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + eventId + "'") == 1);
        Map<String, Object> row = rows.query("select extraFields->>'humidity' as humidity,"
                + " extraFields->>'pressure' as pressure from iot_device_events where eventId = '" + eventId + "'").get(0);
        assertEquals("40", row.get("humidity"));
        assertEquals("1013.2", row.get("pressure"));
    }

    @Test
    void everyKindOfBadInputIsADeadLetterWithItsReasonWhileGoodEventsFlow() throws Exception {
        long deadBefore = rows.count("select count(*) from iot_dead_letters");
        String goodBefore = UUID.randomUUID().toString();
        String halfGood1 = UUID.randomUUID().toString();
        String halfGood2 = UUID.randomUUID().toString();
        String injection = UUID.randomUUID().toString();
        String goodAfter = UUID.randomUUID().toString();
        String valid = "{\"deviceId\":\"D001\",\"temperature\":20,\"measure\":\"C\",\"status\":\"SUCCESS\"}";
        List<String[]> badAndReason = List.of(
                new String[] {"this is not json", "not a readable event"},
                new String[] {"{\"eventId\":\"" + UUID.randomUUID() + "\",\"eventOff", "not a readable event"},
                new String[] {"null", "payload is JSON null"},
                new String[] {TestEvent.of("not-a-uuid").customer("CI00100").devices(valid).json(), "eventId 'not-a-uuid' is not a UUID"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer(null).devices(valid).json(), "customerId is missing"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer("CI00100").devices(valid).json().replace("10001", "\"abc\""),
                    "not a readable event"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer("CI00100").devices(valid).json()
                        .replace("2023-01-05 11:13:53.643364", "yesterday"), "eventTime 'yesterday' is not a time"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer("CI00100").devices(valid).json().replace("\"eventTime\"", "\"x\""),
                    "eventTime is missing"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer("CI00100").json(), "data.devices is empty"},
                new String[] {TestEvent.of(UUID.randomUUID().toString()).customer("CI00100").devices(valid.replace("D001", "D0123456789012345678901234")).json(), "deviceId is 26 characters long"});
        topic.send("CI00100", TestEvent.of(goodBefore).customer("CI00100").devices(valid).json());
        for (String[] bad : badAndReason) {
            topic.send("CI00100", bad[0]);
        }
        topic.send("CI00100", (String) null);
        // one bad device among good ones: the good ones are still stored
        topic.send("CI00100", TestEvent.of(halfGood1).customer("CI00100").devices(valid, "{\"deviceId\":\"D002\",\"temperature\":20,\"measure\":\"C\",\"status\":\"BROKEN\"}").json());
        topic.send("CI00100", TestEvent.of(halfGood2).customer("CI00100").devices(valid, "{\"deviceId\":\"D002\",\"temperature\":\"hot\",\"measure\":\"C\",\"status\":\"ERROR\"}").json());
        // SQL in a text field is stored as plain data (ids allow no quote: the publisher's text carries it)
        topic.send("CI00100", TestEvent.of(injection).customer("CI00100").publisher("'; DROP TABLE x;--").devices(valid).json());
        topic.send("CI00100", TestEvent.of(goodAfter).customer("CI00100").devices(valid).json());

        int expectedDead = badAndReason.size() + 3;
        Eventually.await(Duration.ofSeconds(60), expectedDead + " new dead letters",
                () -> rows.count("select count(*) from iot_dead_letters") == deadBefore + expectedDead);
        Eventually.await(Duration.ofSeconds(60), "the good event after the bad ones",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + goodAfter + "'") == 1);

        List<Map<String, Object>> dead = rows.query("select reason, payload from iot_dead_letters"
                + " order by deadLetterId desc limit " + expectedDead);
        for (String[] bad : badAndReason) {
            assertTrue(dead.stream().anyMatch(d -> bad[0].contains(String.valueOf(d.get("payload")))
                    && String.valueOf(d.get("reason")).contains(bad[1])),
                    "dead letter for " + bad[0] + " with reason containing '" + bad[1] + "' in " + dead);
        }
        assertTrue(dead.stream().anyMatch(d -> "the Kafka record has no value".equals(d.get("reason"))), dead.toString());
        assertTrue(dead.stream().anyMatch(d -> String.valueOf(d.get("reason"))
                .contains("data.devices[1]: status '\"BROKEN\"' is not one of SUCCESS, ERROR, STANDBY")), dead.toString());
        assertTrue(dead.stream().anyMatch(d -> String.valueOf(d.get("reason"))
                .contains("data.devices[1]: temperature '\"hot\"' is not a finite number")), dead.toString());
        for (String eventId : List.of(goodBefore, halfGood1, halfGood2, goodAfter)) {
            assertEquals(1, rows.count("select count(*) from iot_device_events where eventId = '" + eventId
                    + "' and deviceId = 'D001'"), "valid reading of " + eventId);
        }
        assertEquals("'; DROP TABLE x;--", rows.query("select eventPublisher from iot_device_events where eventId = '"
                + injection + "'").get(0).get("eventpublisher"));
        assertTrue(context.getRouteController().getRouteStatus("ingest").isStarted(), "the ingest route keeps running");
    }

    @Test
    void aRowTheDatabaseRejectsIsADeadLetterAndDoesNotHoldBackItsBatch() throws Exception {
        // a constraint the validation does not know about, as a DBA might add one
        rows.execute("ALTER TABLE iot_device_events ADD CONSTRAINT no_d999 CHECK (deviceId <> 'D999')");
        try {
            String valid = "{\"deviceId\":\"D001\",\"temperature\":20,\"measure\":\"C\",\"status\":\"SUCCESS\"}";
            String rejected = UUID.randomUUID().toString();
            List<String> good = new ArrayList<>();
            List<String> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String eventId = UUID.randomUUID().toString();
                good.add(eventId);
                events.add(TestEvent.of(eventId).customer("CI00101").devices(valid).json());
            }
            events.add(10, TestEvent.of(rejected).customer("CI00101").devices(valid, valid.replace("D001", "D999")).json());
            topic.send("CI00101", events.toArray(String[]::new));

            Eventually.await(Duration.ofSeconds(60), "the rejected row's dead letter", () -> rows.count(
                    "select count(*) from iot_dead_letters where eventId = '" + rejected + "' and deviceId = 'D999'"
                    + " and reason like 'rejected by the database: %no_d999%'") == 1);
            Eventually.await(Duration.ofSeconds(60), "the other rows of the batch", () -> rows.count(
                    "select count(*) from iot_device_events where eventId in ('" + String.join("','", good) + "','"
                    + rejected + "')") == 21);
        } finally {
            rows.execute("ALTER TABLE iot_device_events DROP CONSTRAINT no_d999");
        }
    }

    @Test
    void tenThousandSimulatedEventsLandAsExactlyTheExpectedRows() throws Exception {
        DeviceSimulator simulator = context.getRegistry().lookupByNameAndType("deviceSimulator", DeviceSimulator.class);
        PipelineCounters counters = context.getRegistry().lookupByNameAndType("pipelineCounters", PipelineCounters.class);
        context.getRouteController().startRoute("simulate");
        Eventually.await(Duration.ofMinutes(3), "the simulator to publish 10,000 events",
                () -> simulator.finished() && counters.eventsPublished() == simulator.emitted());
        context.getRouteController().stopRoute("simulate");
        Eventually.await(Duration.ofMinutes(3), "the pipeline to consume everything", () -> topic.lag("iot-pipeline-store") == 0);

        Set<String> expected = expectedReadings();
        Set<String> stored = rows.readingKeys();
        assertTrue(simulator.produced() == 10_000, "simulator produced " + simulator.produced());
        assertTrue(simulator.emitted() > 10_000, "some events were re-sent as duplicates: " + simulator.emitted());
        assertSameReadings(expected, stored);
        assertEquals(stored.size(), rows.count("select count(*) from iot_device_events"), "no duplicated rows");
        assertTrue(counters.rowsWritten() >= stored.size() && counters.recordsCommitted() >= 10_000,
                "the progress line counts what was written: " + counters.rowsWritten() + " rows");
    }

    @Test
    void resendingTheSameEventsAddsNoRows() throws Exception {
        // its own events first, so the test means the same whichever tests ran before it
        List<String> own = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            own.add(TestEvent.of(UUID.randomUUID().toString()).customer("CI00777").offset(30_000 + i)
                    .device("D00" + (i % 5), 20 + i % 7, "C", "SUCCESS").json());
        }
        topic.send("CI00777", own.toArray(String[]::new));
        Eventually.await(Duration.ofSeconds(60), "the test's 200 readings", () -> rows.count(
                "select count(*) from iot_device_events where customerId = 'CI00777'") == 200);
        long before = rows.count("select count(*) from iot_device_events");
        List<String> payloads = new ArrayList<>(own);
        for (ConsumerRecord<String, String> record : topic.all()) {
            if (!TopicContents.validReadings(record).isEmpty() && payloads.size() < 2000) {
                payloads.add(record.value());
            }
        }
        topic.send("replay", payloads.toArray(String[]::new));
        Eventually.await(Duration.ofMinutes(2), "the replay to be consumed", () -> topic.lag("iot-pipeline-store") == 0);
        assertEquals(before, rows.count("select count(*) from iot_device_events"));
        assertSameReadings(expectedReadings(), rows.readingKeys());
    }

    @Test
    void aMissingDatabaseIsExplained() {
        String url = "jdbc:postgresql://localhost:" + dbPort + "/no_such_db";
        String password = servers.rows().password();
        IllegalStateException error = assertThrows(IllegalStateException.class,
                () -> Database.migrate(io.iotpipeline.store.TestPool.of(url, "postgres", password, 1), url, "postgres"));
        assertTrue(error.getMessage().contains("Database 'no_such_db' does not exist")
                && error.getMessage().contains("createdb"), error.getMessage());
    }

    /** Valid readings in the topic, less the one row test 4's extra database constraint refused. */
    @Test
    void operatorsReadHealthMetricsAndEveryRouteOverHttpButCannotChangeAnything() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        String base = "http://localhost:" + httpPort + "/observe";
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var json = io.iotpipeline.domain.EventJson.MAPPER;

        assertEquals(200, get.apply("/health").statusCode());
        assertEquals("UP", json.readTree(get.apply("/health/ready").body()).path("status").asText());
        var database = org.apache.camel.health.HealthCheckRegistry.get(context).getCheck("database").orElseThrow();
        assertEquals(org.apache.camel.health.HealthCheck.State.UP, database.call().getState(), "readiness includes the database");
        String metrics = get.apply("/metrics").body();
        assertTrue(metrics.contains("routeId=\"ingest\""), "Prometheus text with per-route series");
        Map<String, Double> pipelineSeries = new java.util.HashMap<>();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("iot_")) {
                pipelineSeries.put(line.substring(0, line.indexOf(' ')), Double.parseDouble(line.substring(line.indexOf(' ') + 1)));
            }
        }
        assertTrue(pipelineSeries.get("iot_rows_inserted_total") > 0, pipelineSeries.toString());
        assertTrue(pipelineSeries.get("iot_dead_letters_total") > 0, "the bad-input test's dead letters");
        assertTrue(pipelineSeries.get("iot_consumer_lag_records") >= 0, "lag measured: " + pipelineSeries);
        java.util.function.Function<String, Double> series = name -> pipelineSeries.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{")).mapToDouble(Map.Entry::getValue).sum();
        assertTrue(series.apply("iot_write_batch_rows_count") > 0, "batch sizes: " + pipelineSeries);
        assertEquals(pipelineSeries.get("iot_rows_inserted_total"), series.apply("iot_write_batch_rows_sum"),
                "every row written is in a measured batch");
        assertTrue(series.apply("iot_write_batch_seconds_count") > 0, "write latency: " + pipelineSeries);

        // as Hawtio reads routes: every route MBean's state and counters
        var routes = json.readTree(get.apply("/jolokia/read/org.apache.camel:context=*,type=routes,name=*"
                + "/State,ExchangesCompleted,ExchangesFailed").body()).path("value");
        Map<String, String> states = new java.util.TreeMap<>();
        routes.fields().forEachRemaining(route -> states.put(route.getKey().replaceAll(".*name=\"?([^\",]+)\"?.*", "$1"),
                route.getValue().path("State").asText()));
        assertEquals(context.getRoutes().size(), states.size(), states.toString());
        assertEquals("Started", states.get("ingest"));
        String ingest = "org.apache.camel:context=iot-pipeline,type=routes,name=%22ingest%22";
        assertTrue(json.readTree(get.apply("/jolokia/read/" + ingest + "/ExchangesCompleted").body()).path("value")
                .asLong() > 0);
        assertTrue(get.apply("/jolokia/exec/org.apache.camel:context=iot-pipeline,type=context,name=%22iot-pipeline%22"
                + "/dumpRoutesAsXml()").body().contains("<routes"), "read-only operations are allowed");

        // the read-only policy: no operation that changes state, no attribute writes
        assertEquals(403, json.readTree(get.apply("/jolokia/exec/" + ingest + "/stop()").body()).path("status").asInt());
        assertEquals(403, json.readTree(get.apply("/jolokia/exec/" + ingest + "/reset()").body()).path("status").asInt());
        assertEquals(403, json.readTree(get.apply("/jolokia/write/" + ingest + "/Tracing/true").body())
                .path("status").asInt());
        assertEquals("Started", context.getRouteController().getRouteStatus("ingest").name());
    }

    @Test
    void theYamlRouteFromTheRoutesFolderPublishesOverTemperatureAlerts() throws Exception {
        assertEquals("Started", context.getRouteController().getRouteStatus("over-temperature-alert").name(),
                "routes/over-temperature-alert.yaml is loaded from the file system");
        TopicContents alerts = topic.other("device_alerts");
        List<String> sentIds = new ArrayList<>();
        // the alert route reads from the latest offset: send until its consumer has the partition
        Eventually.await(Duration.ofSeconds(60), "an over-temperature alert", () -> {
            String eventId = UUID.randomUUID().toString();
            sentIds.add(eventId);
            topic.send("CI00777", TestEvent.of(eventId).customer("CI00777").devices("{\"deviceId\":\"D001\",\"temperature\":20,\"measure\":\"C\",\"status\":\"SUCCESS\"}", "{\"deviceId\":\"D009\",\"temperature\":45.5,\"measure\":\"C\",\"status\":\"ERROR\"}").json());
            return alerts.all().stream().anyMatch(record -> sentIds.stream().anyMatch(record.value()::contains));
        });
        var json = io.iotpipeline.domain.EventJson.MAPPER;
        for (ConsumerRecord<String, String> record : alerts.all()) {
            var alert = json.readTree(record.value());
            if (sentIds.contains(alert.path("eventId").asText())) {
                assertEquals("CI00777", record.key());
                assertEquals("D009", alert.path("deviceId").asText(), "only the device above the limit");
                assertEquals(45.5, alert.path("temperature").asDouble());
                assertEquals(40, alert.path("limitCelsius").asInt());
            }
        }
    }

    private Set<String> expectedReadings() throws Exception {
        Set<String> expected = topic.expectedReadingKeys();
        for (Map<String, Object> dead : rows.query("select eventId || '/' || deviceId as key from iot_dead_letters"
                + " where reason like 'rejected by the database:%'")) {
            expected.remove(String.valueOf(dead.get("key")));
        }
        return expected;
    }

    /** Compares reading keys, reporting a few of the lost and of the unexpected ones rather than both whole sets. */
    static void assertSameReadings(Set<String> expected, Set<String> stored) {
        Set<String> lost = new java.util.TreeSet<>(expected);
        lost.removeAll(stored);
        Set<String> unexpected = new java.util.TreeSet<>(stored);
        unexpected.removeAll(expected);
        assertTrue(lost.isEmpty() && unexpected.isEmpty(), "expected " + expected.size() + " readings, stored "
                + stored.size() + "; lost " + lost.size() + " e.g. " + lost.stream().limit(5).toList()
                + "; unexpected " + unexpected.size() + " e.g. " + unexpected.stream().limit(5).toList());
    }


    private static Map<String, Object> row(String eventId, String customerId, long offset, String publisher,
            String time, String deviceId, String measure, String status, double temperature) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        row.put("eventid", eventId);
        row.put("customerid", customerId);
        row.put("eventoffset", offset);
        row.put("eventpublisher", publisher);
        row.put("eventtime", time);
        row.put("deviceid", deviceId);
        row.put("measure", measure);
        row.put("status", status);
        row.put("temperature", temperature);
        row.put("extrafields", null);
        return row;
    }
}

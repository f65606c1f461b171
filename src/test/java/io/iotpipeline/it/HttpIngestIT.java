package io.iotpipeline.it;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotpipeline.TestEvent;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.replay.SampleReplay;
import org.apache.camel.main.Main;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * POST /api/events and the replay command against the running pipeline on its embedded, real Kafka and PostgreSQL:
 * every status code the API promises, and the shipped samples replayed into rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpIngestIT {

    static final String API_KEY = "test-key-" + UUID.randomUUID();

    private Main main;
    private TopicContents topic;
    private Rows rows;
    private URI events;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startPipeline() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-http-ingest-it");
        Properties props = servers.properties();
        props.put("simulator.enabled", "false");
        props.put("ingest.http.apiKey", API_KEY);
        props.put("ingest.http.maxBodyBytes", "200000");
        props.put("ingest.http.maxEventsPerRequest", "100");
        main = servers.startPipeline();
        topic = servers.topic();
        rows = servers.rows();
        events = URI.create("http://localhost:" + servers.httpPort() + "/api/events");
    }

    @AfterAll
    void stopPipeline() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void acceptedEventsAreOnKafkaKeyedByCustomerAndBecomeRows() throws Exception {
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        HttpResponse<String> response = post("[" + TestEvent.of(first).customer("CI00201").device("D001", 15, "C", "ERROR").json() + "," + TestEvent.of(second).customer("CI00202").device("D001", 15, "C", "ERROR").json() + "]",
                API_KEY);
        assertEquals(202, response.statusCode(), response.body());
        assertEquals(List.of(first, second), strings(json(response.body()).get("accepted")));

        Eventually.await(Duration.ofSeconds(60), "the posted readings", () -> rows.count(
                "select count(*) from iot_device_events where eventId in ('" + first + "','" + second + "')") == 2);
        ConsumerRecord<String, String> record = topic.all().stream()
                .filter(r -> r.value() != null && r.value().contains(first)).findFirst().orElseThrow();
        assertEquals("CI00201", record.key());
        // the request's headers, the API key among them, stay out of the Kafka record
        assertEquals(0, record.headers().toArray().length, "record headers: " + record.headers());
    }

    @Test
    void aRequestWithARejectedEventPublishesNothingAndSaysWhyPerEvent() throws Exception {
        String good = UUID.randomUUID().toString();
        String badDevice = TestEvent.of(UUID.randomUUID().toString()).customer("CI00203").device("D001", 15, "C", "ERROR").json().replace("\"C\"", "\"X\"");
        HttpResponse<String> response = post("[" + TestEvent.of(good).customer("CI00203").device("D001", 15, "C", "ERROR").json() + ",{\"eventId\":\"nope\"}," + badDevice
                + "]", API_KEY);
        assertEquals(400, response.statusCode(), response.body());
        JsonNode rejected = json(response.body()).get("rejected");
        assertEquals(2, rejected.size(), response.body());
        assertEquals(1, rejected.get(0).get("index").asInt());
        assertTrue(rejected.get(0).get("reasons").get(0).asText().contains("not a UUID"), response.body());
        assertEquals(2, rejected.get(1).get("index").asInt());
        assertTrue(rejected.get(1).get("reasons").get(0).asText().contains("measure"), response.body());

        // publish anything after it and wait for that to be stored: the good event of the rejected request is not
        String marker = UUID.randomUUID().toString();
        assertEquals(202, post(TestEvent.of(marker).customer("CI00203").device("D001", 15, "C", "ERROR").json(), API_KEY).statusCode());
        Eventually.await(Duration.ofSeconds(60), "the marker event",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + marker + "'") == 1);
        assertEquals(0, topic.all().stream().filter(r -> r.value() != null && r.value().contains(good)).count());
    }

    @Test
    void malformedOversizedUnauthorisedAndNonJsonRequestsGetTheirStatus() throws Exception {
        assertEquals(400, post("{\"eventId\":", API_KEY).statusCode());
        assertEquals(400, post("42", API_KEY).statusCode());
        assertEquals(400, post("[]", API_KEY).statusCode());

        String tooManyEvents = "[" + String.join(",", java.util.Collections.nCopies(101,
                TestEvent.of(UUID.randomUUID().toString()).customer("CI00204").device("D001", 15, "C", "ERROR").json())) + "]";
        HttpResponse<String> tooMany = post(tooManyEvents, API_KEY);
        assertEquals(413, tooMany.statusCode(), tooMany.body());
        assertTrue(tooMany.body().contains("at most 100"), tooMany.body());
        assertEquals(413, post("[\"" + "x".repeat(300_000) + "\"]", API_KEY).statusCode());

        HttpResponse<String> noKey = post(TestEvent.of(UUID.randomUUID().toString()).customer("CI00204").device("D001", 15, "C", "ERROR").json(), null);
        assertEquals(401, noKey.statusCode());
        assertTrue(!noKey.body().contains(API_KEY) && noKey.headers().map().values().stream()
                .flatMap(List::stream).noneMatch(value -> value.contains(API_KEY)));
        HttpResponse<String> wrongKey = post(TestEvent.of(UUID.randomUUID().toString()).customer("CI00204").device("D001", 15, "C", "ERROR").json(), API_KEY + "x");
        assertEquals(401, wrongKey.statusCode());
        assertTrue(wrongKey.headers().map().values().stream().flatMap(List::stream)
                .noneMatch(value -> value.contains(API_KEY)), "the key is not echoed: " + wrongKey.headers().map());
        HttpResponse<String> bearer = http.send(HttpRequest.newBuilder(events)
                .header("Content-Type", "application/json").header("Authorization", "Bearer " + API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(TestEvent.of(UUID.randomUUID().toString()).customer("CI00204").device("D001", 15, "C", "ERROR").json())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, bearer.statusCode(), bearer.body());

        HttpResponse<String> form = http.send(HttpRequest.newBuilder(events).header("X-API-Key", API_KEY)
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(TestEvent.of(UUID.randomUUID().toString()).customer("CI00204").device("D001", 15, "C", "ERROR").json())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(415, form.statusCode(), form.body());
        // the key is asked for first, whatever the method; then only POST publishes
        assertEquals(401, http.send(HttpRequest.newBuilder(events).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode());
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(events).header("X-API-Key", API_KEY).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(get.statusCode() == 405 || get.statusCode() == 404, "GET answers " + get.statusCode());
    }

    @Test
    void theShippedSamplesReplayIntoExactlyTheirRows() throws Exception {
        Path devices = Path.of("devices");
        Set<String> expected = new HashSet<>();
        List<String> files = List.of("device_01.json", "device_02.json", "device_03.json", "device_data_samples.txt",
                "late_data_samples.txt");
        for (String file : files) {
            String text = Files.readString(devices.resolve(file));
            List<String> documents = file.endsWith(".json") ? List.of(text) : text.lines().filter(l -> !l.isBlank()).toList();
            for (String document : documents) {
                JsonNode event = json(document);
                event.get("data").get("devices").forEach(device -> expected.add(
                        event.get("eventId").asText() + "/" + device.get("deviceId").asText()));
            }
        }
        assertTrue(expected.size() > 100, "the samples hold " + expected.size() + " readings");

        ByteArrayOutputStream report = new ByteArrayOutputStream();
        int exitCode = new SampleReplay(events, API_KEY, 20, 3, new PrintStream(report, true, StandardCharsets.UTF_8))
                .replay(List.of(devices));
        String printed = report.toString(StandardCharsets.UTF_8);
        assertEquals(0, exitCode, printed);
        for (String file : files) {
            assertTrue(printed.contains(file), printed);
        }
        assertTrue(printed.contains("devices/device_data_samples.txt: 50 events, 50 accepted, 0 rejected"), printed);

        Eventually.await(Duration.ofSeconds(60), "the samples' rows", () -> rows.readingKeys().containsAll(expected));
        // replaying again is harmless: the rows are keyed by (eventId, deviceId)
        assertEquals(0, new SampleReplay(events, API_KEY, 500, 3, new PrintStream(new ByteArrayOutputStream()))
                .replay(List.of(devices)));
        Thread.sleep(3000);
        assertEquals(rows.count("select count(distinct (eventId, deviceId)) from iot_device_events"),
                rows.count("select count(*) from iot_device_events"));

        Path bad = Files.createTempFile("bad-samples", ".txt");
        Files.writeString(bad, TestEvent.of(UUID.randomUUID().toString()).customer("CI00205").device("D001", 15, "C", "ERROR").json() + "\nnot json\n{\"eventId\":\"x\"}\n");
        ByteArrayOutputStream badReport = new ByteArrayOutputStream();
        assertEquals(2, new SampleReplay(events, API_KEY, 500, 3, new PrintStream(badReport, true, StandardCharsets.UTF_8))
                .replay(List.of(bad)));
        String badPrinted = badReport.toString(StandardCharsets.UTF_8);
        assertTrue(badPrinted.contains("3 events, 1 accepted, 2 rejected"), badPrinted);
        assertTrue(badPrinted.contains(":2: not JSON") && badPrinted.contains(":3: eventId 'x' is not a UUID"), badPrinted);
    }

    private HttpResponse<String> post(String body, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(events).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }


    static JsonNode json(String text) throws Exception {
        return EventJson.MAPPER.readTree(text);
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }
}

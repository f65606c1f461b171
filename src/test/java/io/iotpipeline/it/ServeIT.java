package io.iotpipeline.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotpipeline.TestEvent;
import io.iotpipeline.domain.EventJson;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serve stage on the running pipeline (embedded, real Kafka and PostgreSQL): the REST API answers with the
 * database's numbers and caps every list by api.maxRows. The dashboard's browser test is DashboardIT; every operation
 * through a client generated from the contract, ApiClientIT.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServeIT {

    private Main main;
    private Rows rows;
    private String base;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startPipeline() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-serve-it");
        Properties props = servers.properties();
        props.put("simulator.enabled", "false");
        props.put("api.maxRows", "5");
        main = servers.startPipeline();
        rows = servers.rows();
        base = "http://localhost:" + servers.httpPort() + "/";
        // 8 devices of 2 customers, 3 readings each, now: every device and status in the API and the dashboard
        List<String> events = new ArrayList<>();
        String[] statuses = {"SUCCESS", "ERROR", "STANDBY"};
        for (int round = 0; round < 3; round++) {
            for (int device = 1; device <= 4; device++) {
                for (String customer : List.of("CI00301", "CI00302")) {
                    events.add(TestEvent.of(UUID.randomUUID().toString()).customer(customer).timeNow().device("D00" + device, 10 + device + round, "C", statuses[(device + round) % 3]).json());
                }
            }
        }
        assertEquals(202, post("[" + String.join(",", events) + "]").statusCode());
        Eventually.await(Duration.ofSeconds(60), "the readings", () -> rows.count("select count(*) from device_health") == 8
                && rows.count("select sum(readings) from device_health") == 24);
    }

    @AfterAll
    void stopPipeline() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void theApiAnswersAsDocumented() throws Exception {
        JsonNode devices = get("api/devices?customerId=CI00301", 200);
        assertEquals(4, devices.get("count").asInt());
        assertEquals(4, devices.get("total").asInt());
        // the dashboard test may have added a device
        assertEquals(rows.count("select count(*) from device_health"), get("api/devices", 200).get("total").asLong());
        assertEquals("D001", devices.get("devices").get(0).get("deviceId").asText());
        assertEquals(5, get("api/devices", 200).get("devices").size(), "capped by api.maxRows");

        JsonNode device = get("api/devices/D002?customerId=CI00302&limit=2", 200);
        assertEquals(1, device.get("customers").size());
        assertEquals(3, device.get("customers").get(0).get("readings").asInt());
        assertEquals(2, device.get("recentReadings").size());
        assertEquals(get("api/devices/D002", 200).get("customers").size(), 2, "one per customer with that deviceId");
        assertEquals("no such device", get("api/devices/D999", 404).get("error").asText());

        JsonNode metrics = get("api/metrics?deviceId=D001&customerId=CI00301", 200);
        assertEquals(3, metrics.get("windows").get(0).get("readings").asInt()
                + (metrics.get("windows").size() > 1 ? metrics.get("windows").get(1).get("readings").asInt() : 0));
        assertEquals(60, metrics.get("windowSeconds").asInt());
        assertEquals(0, get("api/metrics?from=2020-01-01&to=2020-01-02", 200).get("count").asInt());
        assertTrue(get("api/metrics?from=yesterday", 400).get("error").asText().contains("from 'yesterday'"));
        assertTrue(get("api/metrics?from=2024-01-02&to=2024-01-01", 400).get("error").asText().contains("before"));
        assertTrue(get("api/metrics?deviceId=x'%3Bdrop", 400).get("error").asText().contains("is not an id"));
        assertTrue(get("api/devices?limit=6", 400).get("error").asText().contains("between 1 and 5"));
        assertTrue(get("api/devices?limit=abc", 400).get("error").asText().contains("whole number"));

        JsonNode status = get("api/status", 200);
        assertEquals(rows.count("select count(*) from iot_device_events"), status.get("total").asLong());
        for (JsonNode entry : status.get("statuses")) {
            assertEquals(rows.count("select count(*) from iot_device_events where status = '"
                    + entry.get("status").asText() + "'"), entry.get("readings").asLong(), entry.toString());
        }
        assertEquals(3, status.get("statuses").size());
        assertEquals(0, get("api/late", 200).get("count").asInt());
        assertEquals(0, get("api/silent", 200).get("count").asInt());
        assertTrue(get("api/gaps", 200).has("streams"));
        assertTrue(get("api/ingest", 200).get("minutes").size() >= 1);

        JsonNode openapi = get("api/openapi.json", 200);
        for (String path : List.of("/devices", "/devices/{deviceId}", "/metrics", "/status", "/late", "/silent")) {
            assertTrue(openapi.get("paths").has(path), "OpenAPI documents " + path);
        }
    }

    private JsonNode get(String path, int expectedStatus) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(expectedStatus, response.statusCode(), path + ": " + response.body());
        return EventJson.MAPPER.readTree(response.body());
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "api/events")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

}

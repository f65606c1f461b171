package io.iotpipeline.it;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import io.iotpipeline.ingest.ReadingRules;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The detect-anomalies route on the embedded, real Kafka and PostgreSQL: a spike becomes one row and one alert,
 * a replay adds neither, and after a restart the detectors' state is rebuilt from the stored readings.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnomalyIT {

    private static final LocalDateTime START = LocalDateTime.now(ZoneOffset.UTC).minusMinutes(30);

    private EmbeddedServers servers;
    private Main main;
    private TopicContents topic;
    private TopicContents alerts;
    private Rows rows;
    private final String[] sent = new String[42];

    @BeforeAll
    void startPipeline() throws Exception {
        servers = EmbeddedServers.onFreePorts("iot-anomaly-it");
        servers.properties().put("simulator.enabled", "false");
        servers.properties().put("kafka.topic.partitions", "6");
        main = servers.startPipeline();
        topic = servers.topic();
        alerts = topic.other("device_alerts");
        rows = servers.rows();
    }

    @AfterAll
    void stopPipeline() {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    @Order(1)
    void aSpikeBecomesOneRowAndOneAlertAndAReplayAddsNeither() throws Exception {
        for (int i = 0; i < 40; i++) {
            sent[i] = reading(i, 20 + 0.3 * Math.sin(i * 1.7));
        }
        sent[40] = reading(40, 34.5);
        topic.send("CI00700", java.util.Arrays.copyOf(sent, 41));
        String spike = eventId(sent[40]);
        Eventually.await(Duration.ofSeconds(60), "the spike in device_anomalies",
                () -> rows.count("select count(*) from device_anomalies where eventId = '" + spike + "'") == 1);
        var row = rows.query("select detector, customerId, deviceId, observed, expectedHigh from device_anomalies").get(0);
        assertEquals("spike", row.get("detector"));
        assertEquals("CI00700", row.get("customerid") != null ? row.get("customerid") : row.get("customerId"));
        Eventually.await(Duration.ofSeconds(30), "the alert on device_alerts", () -> alerts.all().stream()
                .anyMatch(r -> r.value().contains("\"alert\":\"anomaly\"") && r.value().contains(spike)
                        && r.value().contains("\"detector\":\"spike\"") && "CI00700".equals(r.key())));

        topic.send("CI00700", java.util.Arrays.copyOf(sent, 41));
        String marker = reading(41, 20.1);
        sent[41] = marker;
        topic.send("CI00700", marker);
        Eventually.await(Duration.ofSeconds(60), "the marker stored", () -> rows.count(
                "select count(*) from iot_device_events where eventId = '" + eventId(marker) + "'") == 1);
        Thread.sleep(2000); // the alerts are sent after the findings are stored
        assertEquals(1, rows.count("select count(*) from device_anomalies"));
        assertEquals(1, alerts.all().stream().filter(r -> r.value().contains("\"alert\":\"anomaly\"")).count());
    }

    @Test
    @Order(2)
    void afterARestartTheDetectorsNeedNoNewWarmUp() throws Exception {
        main.stop();
        main = servers.startPipeline();
        String spike = reading(42, 5.0);
        topic.send("CI00700", spike);
        Eventually.await(Duration.ofSeconds(90), "the spike right after the restart", () -> rows.count(
                "select count(*) from device_anomalies where eventId = '" + eventId(spike) + "' and detector = 'spike'") == 1);
        assertEquals(2, rows.count("select count(*) from device_anomalies"));
        var request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + servers.httpPort() + "/observe/metrics")).build();
        Eventually.await(Duration.ofSeconds(30), "the per-detector counter", () -> java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString()).body()
                .contains("iot_anomalies_total{detector=\"spike\"} 1.0"));
    }

    @Test
    @Order(3)
    void theApiListsAnomaliesByDeviceAndDetector() throws Exception {
        var http = java.net.http.HttpClient.newHttpClient();
        java.util.function.Function<String, java.net.http.HttpResponse<String>> get = path -> {
            try {
                return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://localhost:" + servers.httpPort() + "/api/" + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        var all = io.iotpipeline.domain.EventJson.MAPPER.readTree(get.apply("anomalies?deviceId=D001").body());
        assertEquals(2, all.get("count").asInt(), all.toString());
        assertEquals("spike", all.get("anomalies").get(0).get("detector").asText());
        assertEquals(0, io.iotpipeline.domain.EventJson.MAPPER.readTree(get.apply("anomalies?detector=stuck").body())
                .get("count").asInt());
        assertEquals(400, get.apply("anomalies?detector=bogus").statusCode());
    }

    @Test
    @Order(4)
    void aSpikeIsFoundWhenTheDevicesEventsAreProducedWithoutAKey() throws Exception {
        // 600 readings of one device at 21 ± 0.2 °C and one at 51 °C, spread over the topic's six partitions: the
        // ingest threads read them in batches from different partitions, out of order across batches
        String[] events = new String[600];
        for (int i = 0; i < events.length; i++) {
            double celsius = i == 450 ? 51 : 21 + 0.2 * Math.sin(i * 1.7);
            events[i] = reading("CI00701", "D002", 10001 + i, START.plusNanos(500_000_000L * i), celsius);
        }
        topic.sendWithoutKey(events);
        String spike = eventId(events[450]);
        Eventually.await(Duration.ofSeconds(60), "all 600 readings stored", () -> rows.count(
                "select count(*) from iot_device_events where customerId = 'CI00701'") == 600);
        Eventually.await(Duration.ofSeconds(30), "the spike found", () -> rows.count(
                "select count(*) from device_anomalies where customerId = 'CI00701'") > 0);
        assertEquals(List.of(spike + " spike"), rows.query("select eventId || ' ' || detector as finding"
                + " from device_anomalies where customerId = 'CI00701'").stream()
                .map(row -> row.values().iterator().next().toString()).toList(), "the spike and nothing else");
        assertTrue(rows.count("select count(distinct kafkaPartition) from iot_device_events"
                + " where customerId = 'CI00701'") == 6, "the readings came through every partition");
    }

    static String reading(String customerId, String deviceId, int offset, LocalDateTime time, double celsius) {
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"eventOffset\":" + offset + ",\"eventPublisher\":\"device\","
                + "\"customerId\":\"" + customerId + "\",\"data\":{\"devices\":[{\"deviceId\":\"" + deviceId
                + "\",\"temperature\":" + Math.round(celsius * 10) / 10.0 + ",\"measure\":\"C\",\"status\":\"SUCCESS\"}]},"
                + "\"eventTime\":\"" + time.format(ReadingRules.EVENT_TIME_WRITTEN) + "\"}";
    }

    static String reading(int i, double celsius) {
        return reading("CI00700", "D001", 10001 + i, START.plusSeconds(2L * i), celsius);
    }

    static String eventId(String event) {
        return event.substring(12, 48);
    }
}

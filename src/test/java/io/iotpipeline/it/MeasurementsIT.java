package io.iotpipeline.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import io.iotpipeline.TestEvent;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Measurements beyond temperature on a real broker and database: the shipped catalog's humidity and pressure (in psi,
 * kPa or hPa) stored typed in device_measurements beside the seed's row, once however often the event is sent, a bad
 * value a dead letter naming its measurement; and a device type added by a catalog file alone (co2 in ppm).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MeasurementsIT {

    private EmbeddedServers servers;
    private Main main;

    @BeforeAll
    void servers() throws Exception {
        servers = EmbeddedServers.onFreePorts("iot-measurements-it");
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
    void weatherStationsAreStoredWithTheirHumidityAndPressureOnceInCanonicalUnits() throws Exception {
        main = start(new Properties());
        String event = UUID.randomUUID().toString();
        String json = TestEvent.of(event).customer("CI00950").timeNow().devices(
                "{\"deviceId\":\"W01\",\"temperature\":21.5,\"measure\":\"C\",\"humidity\":48.2,\"pressure\":14.7,"
                        + "\"pressureUnit\":\"psi\",\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"W02\",\"temperature\":70.7,\"measure\":\"F\",\"humidity\":180,\"pressure\":101.3,"
                        + "\"pressureUnit\":\"kPa\",\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"W03\",\"temperature\":20,\"measure\":\"C\",\"pressure\":1013,\"pressureUnit\":\"mmHg\","
                        + "\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"T01\",\"temperature\":19,\"measure\":\"C\",\"status\":\"SUCCESS\"}").json();
        servers.topic().send("CI00950", json);
        servers.topic().send("CI00950", json); // sent twice: stored once

        Rows rows = servers.rows();
        String ofEvent = " where eventId = '" + event + "'";
        Eventually.await(Duration.ofSeconds(60), "the event's readings, measurements and dead letters", () ->
                rows.count("select count(*) from iot_device_events" + ofEvent) == 4
                        && rows.count("select count(*) from device_measurements" + ofEvent) == 3
                        && rows.count("select count(*) from iot_dead_letters" + ofEvent) == 4);
        Thread.sleep(1500); // the second send has been read too
        assertEquals(3, rows.count("select count(*) from device_measurements" + ofEvent));
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent + " and deviceId = 'W01'"
                + " and measurement = 'pressure' and unit = 'hPa' and round(value::numeric, 2) = 1013.53"
                + " and sentValue = 14.7 and sentUnit = 'psi'"));
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent + " and deviceId = 'W01'"
                + " and measurement = 'humidity' and value = 48.2 and unit = '%' and customerId = 'CI00950'"));
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent + " and deviceId = 'W02'"
                + " and measurement = 'pressure' and round(value::numeric, 1) = 1013.0"));
        // the device's health per measurement: its latest value, counted once however often the event came
        assertEquals(1, rows.count("select count(*) from device_measurement_health where customerId = 'CI00950'"
                + " and deviceId = 'W01' and measurement = 'pressure' and unit = 'hPa' and readings = 1"
                + " and round(lastValue::numeric, 2) = 1013.53"));
        String w01 = get("/api/devices/W01?customerId=CI00950").replace(" ", "");
        assertTrue(w01.contains("\"measurement\":\"humidity\",\"unit\":\"%\",\"lastValue\":48.2"), w01);
        // the seed's row keeps its temperature, and what was sent in extraFields
        assertEquals(1, rows.count("select count(*) from iot_device_events" + ofEvent + " and deviceId = 'W02'"
                + " and temperature = 70.7 and measure = 'F' and extraFields->>'humidity' = '180'"));
        // one dead letter per refused measurement and per send (a dead letter is keyed by its Kafka record)
        assertEquals(2, rows.count("select count(*) from iot_dead_letters" + ofEvent + " and deviceId = 'W02'"
                + " and reason = 'data.devices[1]: humidity: 180.0 % is outside the valid range 0..100 %'"));
        assertEquals(2, rows.count("select count(*) from iot_dead_letters" + ofEvent + " and deviceId = 'W03'"
                + " and reason like 'data.devices[2]: pressure: unit ''mmHg'' is not one of hPa, kPa, Pa, bar, psi%'"));

        // the same reading sent again with another pressure, in the same Kafka batch: the first send's values stay
        String twice = UUID.randomUUID().toString();
        TestEvent first = TestEvent.of(twice).customer("CI00953").time("2026-12-01 10:00:00.000001").devices(
                "{\"deviceId\":\"W20\",\"temperature\":20,\"measure\":\"C\",\"pressure\":1001,\"status\":\"SUCCESS\"}");
        TestEvent other = TestEvent.of(twice).customer("CI00953").time("2026-12-01 10:00:00.000001").devices(
                "{\"deviceId\":\"W20\",\"temperature\":20,\"measure\":\"C\",\"pressure\":1099,\"status\":\"SUCCESS\"}");
        servers.topic().send("CI00953", first.json(), other.json());
        Eventually.await(Duration.ofSeconds(60), "the reading and the conflicting send's dead letter", () -> rows.count(
                "select count(*) from iot_dead_letters where eventId = '" + twice + "' and reason like 'CONFLICT%'") == 1);
        assertEquals(1, rows.count("select count(*) from device_measurements where eventId = '" + twice + "'"
                + " and measurement = 'pressure' and value = 1001"), "the first send's pressure, not the refused one's");
        assertEquals(1, rows.count("select count(*) from device_measurement_health where customerId = 'CI00953'"
                + " and readings = 1 and lastValue = 1001"));

        // posted events: a station's measurements are stored the same way; a bad one is a 400 that names it
        String posted = UUID.randomUUID().toString();
        var accepted = post(TestEvent.of(posted).customer("CI00952").timeNow().devices("{\"deviceId\":\"W09\","
                + "\"temperature\":18,\"measure\":\"C\",\"humidity\":61,\"pressure\":1002.5,\"status\":\"SUCCESS\"}").json());
        assertEquals(202, accepted.statusCode(), accepted.body());
        Eventually.await(Duration.ofSeconds(60), "the posted station's measurements", () -> rows.count(
                "select count(*) from device_measurements where eventId = '" + posted + "' and deviceId = 'W09'") == 2);
        var refused = post(TestEvent.of(UUID.randomUUID().toString()).customer("CI00952").timeNow().devices(
                "{\"deviceId\":\"W10\",\"temperature\":18,\"measure\":\"C\",\"humidity\":-3,\"status\":\"SUCCESS\"}")
                .json());
        assertEquals(400, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("humidity: -3.0 % is outside the valid range 0..100 %"), refused.body());
    }

    private java.net.http.HttpResponse<String> post(String json) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + servers.httpPort() + "/api/events"))
                .header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNewDeviceTypeIsAFewLinesOfCatalogNoJavaAsDocsMeasurementsShows(@TempDir Path folder) throws Exception {
        // the worked example of docs/measurements.md, as the document shows it, copied where an operator would put it
        Path example = Path.of("docs/examples/measurements.yaml");
        assertTrue(Files.readString(Path.of("docs/measurements.md")).contains(Files.readString(example).strip()),
                "docs/measurements.md shows " + example + " as it is");
        Path catalog = Files.copy(example, folder.resolve("measurements.yaml"));
        Properties settings = new Properties();
        settings.put("measurements.catalog", "file:" + catalog);
        main = start(settings);
        String event = UUID.randomUUID().toString();
        servers.topic().send("CI00951", TestEvent.of(event).customer("CI00951").timeNow().devices(
                "{\"deviceId\":\"C01\",\"temperature\":22,\"measure\":\"C\",\"co2\":612,\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"C02\",\"temperature\":22,\"measure\":\"C\",\"co2\":0.0612,\"co2Unit\":\"%\","
                        + "\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"C03\",\"temperature\":22,\"measure\":\"C\",\"co2\":20000,\"status\":\"SUCCESS\"}",
                "{\"deviceId\":\"C04\",\"temperature\":22,\"measure\":\"C\",\"humidity\":40,\"status\":\"SUCCESS\"}")
                .json());

        Rows rows = servers.rows();
        String ofEvent = " where eventId = '" + event + "'";
        Eventually.await(Duration.ofSeconds(60), "the co2 readings", () ->
                rows.count("select count(*) from iot_device_events" + ofEvent) == 4
                        && rows.count("select count(*) from iot_dead_letters" + ofEvent) == 1);
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent
                + " and deviceId = 'C01' and measurement = 'co2' and value = 612 and unit = 'ppm'"));
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent
                + " and deviceId = 'C02' and measurement = 'co2' and round(value) = 612 and unit = 'ppm'"
                + " and sentUnit = '%'"), "0.0612 % is 612 ppm");
        assertEquals(1, rows.count("select count(*) from iot_dead_letters" + ofEvent + " and deviceId = 'C03'"
                + " and reason = 'data.devices[2]: co2: 20000.0 ppm is outside the valid range 0..10000 ppm'"));
        assertEquals(1, rows.count("select count(*) from device_measurements" + ofEvent + " and deviceId = 'C04'"
                + " and measurement = 'humidity'"), "the shipped measurements are still known");
        // windowed per device, in ppm, and answered by the API
        assertEquals(1, rows.count("select count(*) from v_measurements_over_time where customerId = 'CI00951'"
                + " and measurement = 'co2' and deviceId = 'C01' and readings = 1 and avgValue = 612 and unit = 'ppm'"));
        String metrics = get("/api/metrics?measurement=co2&customerId=CI00951&from=2000-01-01").replace(" ", "");
        assertTrue(metrics.contains("\"measurement\":\"co2\"") && metrics.contains("\"deviceId\":\"C01\"")
                && metrics.contains("\"unit\":\"ppm\"") && metrics.contains("\"avg\":612.00"), metrics);
        // judged by the detectors the catalog names: the same co2 value five times in a row is a stuck sensor
        String stuck = UUID.randomUUID().toString().substring(0, 30);
        java.time.LocalDateTime start = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).minusSeconds(30);
        for (int i = 0; i < 6; i++) {
            servers.topic().send("CI00951", TestEvent.of(stuck + String.format("%06d", i)).customer("CI00951")
                    .offset(20_000 + i).time(start.plusSeconds(i).format(io.iotpipeline.ingest.ReadingRules.EVENT_TIME_WRITTEN))
                    .devices("{\"deviceId\":\"C05\",\"temperature\":" + (20 + i) + ",\"measure\":\"C\",\"co2\":700,"
                            + "\"status\":\"SUCCESS\"}").json());
        }
        Eventually.await(Duration.ofSeconds(60), "a stuck co2 sensor", () -> rows.count("select count(*) from"
                + " device_anomalies where deviceId = 'C05' and measurement = 'co2' and detector = 'stuck'") == 1);
        assertEquals(1, rows.count("select count(*) from device_anomalies where deviceId = 'C05' and measurement = 'co2'"
                + " and unit = 'ppm' and observed = 700 and score = 5"));
        String anomalies = get("/api/anomalies?deviceId=C05&from=2000-01-01").replace(" ", "");
        assertTrue(anomalies.contains("\"measurement\":\"co2\"") && anomalies.contains("\"unit\":\"ppm\""), anomalies);
        assertTrue(get("/api/metrics?measurement=ozone").contains("is not one of temperature, humidity, pressure, co2"),
                "a measurement outside the catalog is refused with the known ones");
        // the catalog as the API tells it: temperature's rules from the catalog's temperature entry, then the others
        String answered = get("/api/measurements").replace(" ", "");
        assertTrue(answered.contains("{\"name\":\"temperature\",\"unit\":\"°C\",\"units\":[\"C\",\"F\"],\"min\":-60,"
                + "\"max\":150,\"detectors\":[\"spike\",\"stuck\",\"drift\",\"error-burst\"]")
                && answered.contains("{\"name\":\"co2\",\"unit\":\"ppm\",\"units\":[\"ppm\",\"%\"],\"min\":0,"
                + "\"max\":10000,\"detectors\":[\"spike\",\"stuck\"]"), answered);
    }

    private String get(String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://localhost:" + servers.httpPort() + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private Main start(Properties settings) throws Exception {
        return servers.startPipeline(settings);
    }
}

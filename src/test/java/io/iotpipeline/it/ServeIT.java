package io.iotpipeline.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import io.iotpipeline.domain.EventJson;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The serve stage on the running pipeline (embedded, real Kafka and PostgreSQL): the REST API answers as the README
 * documents, and the live dashboard, in Debian's chromium, shows the database's numbers and follows new data without
 * a reload.
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
                    events.add(event(customer, "D00" + device, 10 + device + round, statuses[(device + round) % 3]));
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

    @Test
    void theDashboardShowsTheDatabaseAndFollowsNewDataWithoutReloading() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Path chromedriver = Path.of("/usr/bin/chromedriver");
        boolean installed = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
        Assumptions.assumeTrue(installed || System.getenv("CI_REQUIRE_BROWSER") != null,
                "Debian chromium and chromium-driver are not installed");

        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1400,1400",
                "--user-data-dir=" + Files.createTempDirectory("chromium-profile"));
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, java.util.logging.Level.ALL);
        options.setCapability("goog:loggingPrefs", logging);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort().build();
        ChromeDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(base);
            JavascriptExecutor js = browser;
            Eventually.await(Duration.ofSeconds(30), "the first refresh", () -> {
                if (js.executeScript("return document.body.dataset.refreshed") != null) {
                    return true;
                }
                System.out.println("dashboard: " + text(browser, "updated"));
                return false;
            });
            js.executeScript("window.sameDocument = true");

            assertEquals(String.valueOf(rows.count("select count(*) from iot_device_events")), text(browser, "kpi-readings"));
            assertEquals(String.valueOf(rows.count("select count(*) from device_health")), text(browser, "kpi-devices"));
            assertEquals("0", text(browser, "kpi-silent"));
            List<String> statusTable = new ArrayList<>();
            browser.findElements(org.openqa.selenium.By.cssSelector("#status-table tr")).stream().skip(1)
                    .forEach(row -> statusTable.add(row.getText()));
            List<String> statusInDb = new ArrayList<>();
            for (Map<String, Object> row : rows.query("select status || ' ' || readings || ' ' || sharePercent as line"
                    + " from v_status_distribution order by status")) {
                statusInDb.add((String) row.get("line"));
            }
            assertEquals(statusInDb, statusTable);

            // the charts rendered the database's values: the bar chart's averages are the devices' averages
            @SuppressWarnings("unchecked")
            List<Object> averages = (List<Object>) js.executeScript("return echarts.getInstanceByDom("
                    + "document.getElementById('chart-avg')).getOption().series[0].data");
            List<Object> averagesInDb = new ArrayList<>();
            for (Map<String, Object> row : rows.query("select avgTemperatureC::float8 as avg from v_avg_temperature_by_device"
                    + " order by customerId, deviceId limit 5")) {
                averagesInDb.add(((Number) row.get("avg")).doubleValue());
            }
            assertEquals(averagesInDb.toString(), averages.stream().map(v -> ((Number) v).doubleValue()).toList().toString());
            Eventually.await(Duration.ofSeconds(10), "temperature lines for the first three devices",
                    () -> ((Number) js.executeScript("return echarts.getInstanceByDom(document.getElementById("
                            + "'chart-temperature')).getOption().series.filter(s => s.data.length > 0).length"))
                            .intValue() == 3);
            for (String id : List.of("chart-status", "chart-avg", "chart-temperature", "chart-late", "chart-ingest")) {
                assertTrue(((Number) js.executeScript("return document.querySelector('#" + id
                        + " canvas').width")).intValue() > 100, id + " drew a canvas");
            }

            // new data appears by itself, at most a few seconds behind
            assertEquals(202, post(event("CI00303", "D009", 21.5, "SUCCESS")).statusCode());
            Eventually.await(Duration.ofSeconds(20), "the new reading on the page without a reload", () -> {
                long stored = rows.count("select count(*) from iot_device_events");
                return stored == 25 && text(browser, "kpi-readings").equals("25");
            });
            assertEquals(Boolean.TRUE, js.executeScript("return window.sameDocument"), "the page was not reloaded");

            Path screenshot = Path.of("target", "dashboard.png");
            Files.write(screenshot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue())
                    .map(LogEntry::getMessage).toList();
            assertEquals(List.of(), errors, "console errors");
            System.out.println("dashboard: screenshot in " + screenshot.toAbsolutePath());
        } finally {
            browser.quit();
        }
    }

    private static String text(ChromeDriver browser, String id) {
        return browser.findElement(org.openqa.selenium.By.id(id)).getText();
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

    static String event(String customerId, String deviceId, double temperature, String status) {
        String now = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC)
                .format(io.iotpipeline.domain.ReadingRules.EVENT_TIME_WRITTEN);
        return "{\"eventId\":\"" + UUID.randomUUID() + "\",\"eventOffset\":10001,\"eventPublisher\":\"device\","
                + "\"customerId\":\"" + customerId + "\",\"data\":{\"devices\":[{\"deviceId\":\"" + deviceId
                + "\",\"temperature\":" + temperature + ",\"measure\":\"C\",\"status\":\"" + status + "\"}]},"
                + "\"eventTime\":\"" + now + "\"}";
    }
}

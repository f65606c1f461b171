package io.iotpipeline.it;

import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import io.iotpipeline.Application;
import io.iotpipeline.simulator.DeviceSimulator;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The simulated fleet (late readings, devices that go silent) through the whole pipeline on the embedded, real Kafka
 * broker and PostgreSQL, as the views and the Grafana panels show it. The simulator runs from the start, so each test
 * finds data whichever runs first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulatedFleetIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private final MovableClock clock = new MovableClock();
    private Main main;
    private Rows rows;

    @BeforeAll
    void startPipelineWithTheSimulator() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-pipeline-fleet-it");
        Properties props = servers.properties();
        props.put("store.batch.maxWaitMs", "100");
        props.put("lateness.allowedSeconds", "600");
        props.put("health.silentAfterSeconds", "60");
        props.put("health.checkIntervalMs", "200");
        props.put("simulator.enabled", "true");
        props.put("simulator.eventsPerSecond", "200");
        props.put("simulator.customers", "2");
        props.put("simulator.firstCustomerNumber", "800");
        props.put("simulator.devices", "5");
        props.put("simulator.late.share", "0.2");
        props.put("simulator.silence.everySeconds", "1");
        props.put("simulator.silence.seconds", "600");
        props.put("simulator.maxEvents", "20000");
        props.put("simulator.seed", "7");
        main = Application.camelMain();
        main.setOverrideProperties(props);
        main.bind("clock", clock);
        main.start();
        rows = servers.rows();
        Eventually.await(WAIT, "the first simulated readings", () -> rows.count(
                "select count(*) from iot_device_events where customerId like 'CI008%'") > 500);
    }

    @AfterAll
    void stopPipeline() throws Exception {
        if (main != null) {
            main.stop();
        }
    }

    @Test
    void theSimulatorsLateAndSilentDevicesShowInTheViews() throws Exception {
        DeviceSimulator simulator = main.getCamelContext().getRegistry().lookupByNameAndType("deviceSimulator",
                DeviceSimulator.class);
        Eventually.await(WAIT, "a silenced simulated device that has reported before", () -> !silencedSeen(simulator).isEmpty());
        Set<String> silenced = silencedSeen(simulator);
        // readings sent before the silence may still be on their way: wait until none has arrived for 2 s
        String silencedList = silenced.stream().map(device -> "'" + device + "'").collect(Collectors.joining(","));
        Eventually.await(WAIT, "the silenced devices' last readings stored", () -> rows.count("select count(*)"
                + " from device_health where customerId || '/' || deviceId in (" + silencedList + ")"
                + " and lastSeen > now() - interval '2 seconds'") == 0);

        clock.advance(Duration.ofSeconds(61));
        Eventually.await(WAIT, "the silenced devices in v_silent_devices", () -> silentInView().containsAll(silenced));
        clock.reset();
        Eventually.await(WAIT, "reporting devices ONLINE again", () -> rows.count("select count(*) from device_health"
                + " where customerId like 'CI008%' and state = 'ONLINE'") > 0);
        main.getCamelContext().getRouteController().stopRoute("simulate");

        assertTrue(silentInView().containsAll(silenced), "still silent: " + silenced);
        assertTrue(rows.count("select coalesce(sum(lateReadings), 0) from v_late_readings_per_window") > 2);
        assertTrue(rows.count("select count(*) from v_ingest_rate_per_minute where readings > 0") > 0);
        assertEquals(3, rows.count("select count(*) from v_status_distribution where readings > 0"));
        assertTrue(rows.count("select count(*) from v_avg_temperature_by_device where customerId like 'CI008%'") > 0);
    }

    @Test
    void everyGrafanaPanelQueryRunsAndTheSimulatedDataShows() throws Exception {
        var dashboard = io.iotpipeline.domain.EventJson.MAPPER.readTree(
                java.nio.file.Path.of("report/grafana/dashboards/iot-pipeline.json").toFile());
        int withRows = 0;
        for (var panel : dashboard.get("panels")) {
            // Grafana's macros and the device variable, as Grafana expands them for the last hour and one device
            String sql = panel.get("targets").get(0).get("rawSql").asText()
                    .replaceAll("\\$__timeFilter\\((\\w+)\\)", "$1 BETWEEN now() - interval '1 hour' AND now() + interval '1 hour'")
                    .replace("$device", "'D001','D002','D003','D004','D005'");
            if (!rows.query(sql).isEmpty()) {
                withRows++;
            }
        }
        assertTrue(withRows >= 5, withRows + " of " + dashboard.get("panels").size() + " panels show data");
    }


    private Set<String> silencedSeen(DeviceSimulator simulator) throws Exception {
        Set<String> seen = new HashSet<>();
        for (String device : simulator.silentDevices()) {
            String[] parts = device.split("/");
            if (rows.count("select count(*) from device_health where customerId = '" + parts[0] + "' and deviceId = '"
                    + parts[1] + "'") == 1) {
                seen.add(device);
            }
        }
        return seen;
    }

    private Set<String> silentInView() throws Exception {
        return rows.query("select customerId || '/' || deviceId as device from v_silent_devices").stream()
                .map(row -> (String) row.get("device")).collect(Collectors.toSet());
    }
}

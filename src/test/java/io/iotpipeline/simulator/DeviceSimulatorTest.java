package io.iotpipeline.simulator;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.ingest.ReadingRules;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceSimulatorTest {

    static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private final ObjectMapper json = EventJson.MAPPER;

    static SimulatorSettings settings(double lateShare, double duplicateShare, long maxEvents) {
        return new SimulatorSettings(1000, 100, 5, 100, 20, 1, 4,
                SimulatorSettings.parseStatusMix("SUCCESS:80,ERROR:10,STANDBY:10"), -10, 45, 0.5,
                lateShare, 900, duplicateShare, 0, 0, 0, 0, maxEvents, 7);
    }

    @Test
    void eventsHaveTheExactWireFormatAndPassTheRules() throws Exception {
        DeviceSimulator simulator = new DeviceSimulator(settings(0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC));
        List<DeviceSimulator.SimulatedEvent> events = simulator.tick();
        assertEquals(100, events.size(), "1000 events/s over a 100 ms tick");
        Map<String, Long> expectedOffsets = new HashMap<>();
        for (DeviceSimulator.SimulatedEvent event : events) {
            JsonNode node = json.readTree(event.json());
            assertEquals(List.of("eventId", "eventOffset", "eventPublisher", "customerId", "data", "eventTime"),
                    iterable(node.fieldNames()));
            assertEquals(expectedOffsets.merge(event.customerId(), 10001L, (a, b) -> a + 1),
                    node.get("eventOffset").asLong(), "each customer's offsets count up from 10001");
            assertEquals("2026-11-24 10:00:00.000000", node.get("eventTime").asText());
            assertEquals(event.customerId(), node.get("customerId").asText());
            assertTrue(event.customerId().matches("CI001\\d\\d"), event.customerId());
            for (JsonNode device : node.get("data").get("devices")) {
                assertEquals(List.of("deviceId", "temperature", "measure", "status"), iterable(device.fieldNames()));
                assertTrue(device.get("deviceId").asText().matches("D0\\d\\d"));
            }
            ReadingRules.EventReadings read = ReadingRules.STANDARD.readings(
                    json.readValue(event.json(), DeviceEvent.class), new SourceRecord("t", 0, 0, null, event.json()));
            assertEquals(List.of(), read.deadLetters());
            assertTrue(read.readings().size() >= 1 && read.readings().size() <= 4);
        }
    }

    @Test
    void aMixedFleetHasWeatherStationsWhosePressureInPsiKpaOrHpaPassesTheShippedCatalog() throws Exception {
        SimulatorSettings thermometers = settings(0, 0, 0);
        SimulatorSettings mixed = new SimulatorSettings(1000, 100, 5, 100, 20, 1, 4, thermometers.statusMix(), -10, 45,
                0.5, 0, 900, 0, 0, 0, 0, 0, 0, 7, new SimulatorSettings.Fleet(
                        io.iotpipeline.ingest.MeasurementCatalogTest.shipped(),
                        Map.of("thermometer", 1.0, "weather-station", 1.0),
                        Map.of("pressure", SimulatorSettings.parseStatusMix("hPa:1,kPa:1,psi:1"))));
        ReadingRules rules = ReadingRules.STANDARD.withCatalog(io.iotpipeline.ingest.MeasurementCatalogTest.shipped());
        Map<String, Integer> stationsByUnit = new HashMap<>();
        int thermometerReadings = 0;
        DeviceSimulator simulator = new DeviceSimulator(mixed, Clock.fixed(NOW, ZoneOffset.UTC));
        for (int tick = 0; tick < 5; tick++) {
            for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
                DeviceEvent parsed = json.readValue(event.json(), DeviceEvent.class);
                ReadingRules.EventReadings read = rules.readings(parsed, new SourceRecord("t", 0, 0, null, event.json()));
                assertEquals(List.of(), read.deadLetters(), event.json());
                for (DeviceReading reading : read.readings()) {
                    if (reading.measurements().isEmpty()) {
                        thermometerReadings++;
                        continue;
                    }
                    assertEquals(List.of("humidity", "pressure"), reading.measurements().stream()
                            .map(io.iotpipeline.domain.Measurement::name).toList());
                    double hectopascals = reading.measurements().get(1).value();
                    assertTrue(hectopascals >= 965 && hectopascals <= 1055, "pressure " + hectopascals + " hPa, about"
                            + " the catalog's typical 995..1025");
                    stationsByUnit.merge(reading.measurements().get(1).sentUnit(), 1, Integer::sum);
                }
            }
        }
        assertEquals(java.util.Set.of("hPa", "kPa", "psi"), stationsByUnit.keySet(), stationsByUnit.toString());
        assertTrue(thermometerReadings > 0);
    }

    @Test
    void aDeviceSendsInItsUnitToATenthOfTheCanonicalUnit() throws Exception {
        var pressure = io.iotpipeline.ingest.MeasurementCatalogTest.shipped().definitions().get(1);
        assertEquals(14.695, DeviceSimulator.sent(pressure, "psi", 1013.2));
        assertEquals(101.32, DeviceSimulator.sent(pressure, "kPa", 1013.2));
        assertEquals(101320.0, DeviceSimulator.sent(pressure, "Pa", 1013.2));
        assertEquals(1.0132, DeviceSimulator.sent(pressure, "bar", 1013.2));
        assertEquals(1013.2, DeviceSimulator.sent(pressure, "hPa", 1013.2));
    }

    @Test
    void aDeviceTypeAddedInTheCatalogIsSimulatedWithoutJava() throws Exception {
        io.iotpipeline.ingest.MeasurementCatalog catalog;
        try (var yaml = java.nio.file.Files.newInputStream(java.nio.file.Path.of("docs/examples/measurements.yaml"))) {
            catalog = io.iotpipeline.ingest.MeasurementCatalog.read(yaml, "docs/examples/measurements.yaml");
        }
        SimulatorSettings thermometers = settings(0, 0, 0);
        SimulatorSettings sensors = new SimulatorSettings(1000, 100, 5, 100, 20, 1, 4, thermometers.statusMix(), -10, 45,
                0.5, 0, 900, 0, 0, 0, 0, 0, 0, 7, new SimulatorSettings.Fleet(catalog,
                        Map.of("air-quality-sensor", 1.0), Map.of("co2", Map.of("ppm", 3.0, "%", 1.0))));
        ReadingRules rules = ReadingRules.STANDARD.withCatalog(catalog);
        Map<String, Integer> byUnit = new HashMap<>();
        DeviceSimulator simulator = new DeviceSimulator(sensors, Clock.fixed(NOW, ZoneOffset.UTC));
        for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
            ReadingRules.EventReadings read = rules.readings(json.readValue(event.json(), DeviceEvent.class),
                    new SourceRecord("t", 0, 0, null, event.json()));
            assertEquals(List.of(), read.deadLetters(), event.json());
            for (DeviceReading reading : read.readings()) {
                assertEquals(1, reading.measurements().size(), event.json());
                io.iotpipeline.domain.Measurement co2 = reading.measurements().get(0);
                assertEquals("co2", co2.name());
                assertTrue(co2.value() >= 0 && co2.value() <= 1600, co2 + ": about the typical 400..1000 ppm");
                byUnit.merge(co2.sentUnit(), 1, Integer::sum);
            }
        }
        assertEquals(java.util.Set.of("ppm", "%"), byUnit.keySet(), byUnit.toString());
    }

    @Test
    void theFleetNamesTheCatalogsDeviceTypesAndUnits() throws Exception {
        var catalog = io.iotpipeline.ingest.MeasurementCatalogTest.shipped();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings.Fleet(catalog,
                Map.of("drone", 1.0), Map.of())).getMessage().startsWith("simulator.fleet: drone is not a device type"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings.Fleet(catalog,
                Map.of("thermometer", 1.0), Map.of("pressure", Map.of("mmHg", 1.0)))).getMessage()
                .startsWith("simulator.units.pressure: [mmHg] are not units the catalog lists"));
    }

    @Test
    void temperaturesDriftInsteadOfJumping() {
        DeviceSimulator simulator = new DeviceSimulator(settings(0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC));
        double previous = simulator.nextTemperature("CI00100/D001");
        for (int i = 0; i < 10_000; i++) {
            double next = simulator.nextTemperature("CI00100/D001");
            assertTrue(Math.abs(next - previous) <= 0.5 + 0.02 * 55 + 0.1, "step " + previous + " -> " + next);
            assertTrue(next >= -10 && next <= 45);
            previous = next;
        }
    }

    @Test
    void sharesOfLateAndDuplicateEventsFollowTheSettings() throws Exception {
        DeviceSimulator simulator = new DeviceSimulator(settings(0.1, 0.05, 0), Clock.fixed(NOW, ZoneOffset.UTC));
        int late = 0;
        int duplicates = 0;
        int total = 0;
        Set<String> ids = new HashSet<>();
        for (int tick = 0; tick < 200; tick++) {
            for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
                total++;
                if (event.duplicate()) {
                    duplicates++;
                    assertTrue(ids.contains(event.eventId()), "a duplicate re-sends an event already sent");
                    continue;
                }
                ids.add(event.eventId());
                LocalDateTime time = LocalDateTime.parse(json.readTree(event.json()).get("eventTime").asText(),
                        ReadingRules.EVENT_TIME);
                if (time.isBefore(LocalDateTime.ofInstant(NOW, ZoneOffset.UTC))) {
                    late++;
                    assertTrue(!time.isBefore(LocalDateTime.ofInstant(NOW, ZoneOffset.UTC).minusSeconds(901)));
                }
            }
        }
        assertEquals(20_000, total);
        assertTrue(duplicates > 800 && duplicates < 1200, "duplicates " + duplicates);
        assertTrue(late > 1600 && late < 2200, "late " + late);
    }

    @Test
    void theStatusMixIsRespected() throws Exception {
        DeviceSimulator simulator = new DeviceSimulator(settings(0, 0, 0), Clock.fixed(NOW, ZoneOffset.UTC));
        Map<String, Integer> counts = new HashMap<>();
        for (int tick = 0; tick < 100; tick++) {
            for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
                json.readTree(event.json()).get("data").get("devices")
                        .forEach(d -> counts.merge(d.get("status").asText(), 1, Integer::sum));
            }
        }
        int all = counts.values().stream().mapToInt(Integer::intValue).sum();
        assertEquals(Set.of("SUCCESS", "ERROR", "STANDBY"), counts.keySet());
        assertTrue(Math.abs(counts.get("SUCCESS") / (double) all - 0.8) < 0.02, counts.toString());
    }

    @Test
    void maxEventsStopsTheFleet() {
        DeviceSimulator simulator = new DeviceSimulator(settings(0, 0, 250), Clock.fixed(NOW, ZoneOffset.UTC));
        int sent = 0;
        for (int tick = 0; tick < 10; tick++) {
            sent += simulator.tick().size();
        }
        assertEquals(250, sent);
        assertTrue(simulator.finished());
    }

    @Test
    void badSettingsAreRejectedWithTheirName() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> SimulatorSettings.parseStatusMix("SUCCESS=80"));
        assertTrue(error.getMessage().contains("simulator.statusMix"));
        assertThrows(IllegalArgumentException.class, () -> new SimulatorSettings(1, 100, 1, 100, 3, 1, 4,
                Map.of("SUCCESS", 1.0), 0, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    }

    @Test
    void aShareOfDevicesReportsInFahrenheitWithinTheSameRange() throws Exception {
        SimulatorSettings settings = new SimulatorSettings(1000, 100, 5, 100, 20, 1, 4,
                SimulatorSettings.parseStatusMix("SUCCESS:1"), -10, 45, 0.5, 0, 900, 0, 0, 0.3, 0, 0, 0, 7);
        DeviceSimulator simulator = new DeviceSimulator(settings, Clock.fixed(NOW, ZoneOffset.UTC));
        Map<String, Set<String>> measuresPerDevice = new HashMap<>();
        for (int tick = 0; tick < 20; tick++) {
            for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
                for (DeviceReading reading : ReadingRules.STANDARD.readings(json.readValue(event.json(),
                        DeviceEvent.class), new SourceRecord("t", 0, 0, null, event.json())).readings()) {
                    measuresPerDevice.computeIfAbsent(reading.customerId() + "/" + reading.deviceId(),
                            k -> new HashSet<>()).add(reading.measure());
                    assertTrue(reading.temperatureCelsius() >= -10.05 && reading.temperatureCelsius() <= 45.05,
                            reading.toString());
                }
            }
        }
        assertTrue(measuresPerDevice.values().stream().allMatch(m -> m.size() == 1), "a device keeps its unit");
        long fahrenheit = measuresPerDevice.values().stream().filter(m -> m.contains("F")).count();
        assertTrue(fahrenheit > 10 && fahrenheit < 50, fahrenheit + " of " + measuresPerDevice.size() + " devices in F");
    }

    @Test
    void aSilencedDeviceSendsNothingUntilItsSilenceEnds() throws Exception {
        SimulatorSettings settings = new SimulatorSettings(1000, 100, 1, 100, 3, 1, 3,
                SimulatorSettings.parseStatusMix("SUCCESS:1"), -10, 45, 0.5, 0, 900, 0, 0, 0, 10, 30, 0, 7);
        java.util.concurrent.atomic.AtomicReference<Instant> now = new java.util.concurrent.atomic.AtomicReference<>(NOW);
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        DeviceSimulator simulator = new DeviceSimulator(settings, clock);
        simulator.tick();
        assertEquals(Set.of(), simulator.silentDevices(), "no silence right at the start");
        now.set(NOW.plusSeconds(10));
        simulator.tick();
        Set<String> silent = simulator.silentDevices();
        assertEquals(1, silent.size());
        String deviceId = silent.iterator().next().split("/")[1];
        now.set(NOW.plusSeconds(39));
        for (DeviceSimulator.SimulatedEvent event : simulator.tick()) {
            assertTrue(!event.json().contains("\"" + deviceId + "\""), "silenced " + deviceId + " reported: " + event.json());
        }
        now.set(NOW.plusSeconds(41));
        simulator.tick();
        assertTrue(!simulator.silentDevices().contains(silent.iterator().next()), "the silence is over after 30 s");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void aConflictingReSendCarriesTheSameIdsWithTheEventTimeOneSecondLater() {
        String original = io.iotpipeline.TestEvent.seed().json();
        String conflict = DeviceSimulator.withLaterEventTime(original);
        assertEquals(original.replace("11:13:53.643364", "11:13:54.643364"), conflict);
    }
}

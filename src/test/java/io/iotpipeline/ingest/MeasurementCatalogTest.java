package io.iotpipeline.ingest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import io.iotpipeline.TestEvent;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.Measurement;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class MeasurementCatalogTest {

    /** The catalog the jar ships (src/main/resources/measurements.yaml). */
    public static MeasurementCatalog shipped() throws IOException {
        try (InputStream yaml = MeasurementCatalog.class.getResourceAsStream("/measurements.yaml")) {
            return MeasurementCatalog.read(yaml, "measurements.yaml");
        }
    }

    private static MeasurementCatalog.Read read(MeasurementCatalog catalog, String device) throws IOException {
        return catalog.read(EventJson.MAPPER.readTree(device));
    }

    @Test
    void theShippedCatalogConvertsPressureToHectopascalsAndKeepsWhatWasSent() throws Exception {
        MeasurementCatalog.Read read = read(shipped(), "{\"deviceId\":\"W01\",\"temperature\":21.5,\"measure\":\"C\","
                + "\"humidity\":48.2,\"pressure\":14.7,\"pressureUnit\":\"psi\",\"status\":\"SUCCESS\",\"wind\":3}");
        assertEquals(List.of(), read.problems());
        assertEquals(2, read.measurements().size());
        assertEquals(new Measurement("humidity", 48.2, "%", 48.2, "%"), read.measurements().get(0));
        Measurement pressure = read.measurements().get(1);
        assertEquals("hPa", pressure.unit());
        assertEquals(1013.53, pressure.value(), 0.01);
        assertEquals("psi", pressure.sentUnit());
        assertEquals(1013.4, read(shipped(), "{\"pressure\":\"1013.4\"}").measurements().get(0).value(), 1e-9,
                "no unit named: the canonical one; a quoted number is a number");
        assertEquals(1013.4, read(shipped(), "{\"pressure\":101.34,\"pressureUnit\":\"kPa\"}").measurements().get(0)
                .value(), 1e-9);
    }

    @Test
    void aBadValueUnitOrRangeIsAProblemNamingTheMeasurement() throws Exception {
        MeasurementCatalog.Read read = read(shipped(), "{\"humidity\":180,\"pressure\":1013,\"pressureUnit\":\"mmHg\"}");
        assertEquals(List.of(new MeasurementCatalog.Problem("humidity",
                        "180.0 % is outside the valid range 0..100 %"),
                new MeasurementCatalog.Problem("pressure",
                        "unit 'mmHg' is not one of hPa, kPa, Pa, bar, psi (the measurement catalog)")),
                read.problems());
        assertEquals(List.of(new MeasurementCatalog.Problem("pressure",
                        "-5.0 hPa is outside the valid range 300..1100 hPa"),
                new MeasurementCatalog.Problem("humidity", "humidity 'true' is not a finite number")).size(),
                read(shipped(), "{\"pressure\":-5,\"humidity\":true}").problems().size());
        assertEquals("1.5 bar (1500 hPa) is outside the valid range 300..1100 hPa",
                read(shipped(), "{\"pressure\":1.5,\"pressureUnit\":\"bar\"}").problems().get(0).reason());
    }

    @Test
    void aDeviceWithABadMeasurementIsStoredWithItsValidOnesAndTheBadOneIsADeadLetter() throws Exception {
        ReadingRules rules = ReadingRules.STANDARD.withCatalog(shipped());
        String event = TestEvent.of(TestEvent.SEED_ID).devices(
                "{\"deviceId\":\"W01\",\"temperature\":21.5,\"measure\":\"C\",\"humidity\":180,\"pressure\":1013.4,"
                        + "\"status\":\"SUCCESS\"}").json();
        SourceRecord source = new SourceRecord("device_stream", 2, 41, "CI00103", event);
        ReadingRules.EventReadings read = rules.readings(EventJson.MAPPER.readValue(event, DeviceEvent.class), source);
        assertEquals(1, read.readings().size());
        assertEquals(List.of("pressure"), read.readings().get(0).measurements().stream().map(Measurement::name).toList());
        assertEquals(21.5, read.readings().get(0).temperature());
        DeadLetter humidity = read.deadLetters().get(0);
        assertEquals("device_stream/2@41#device[0]/humidity", humidity.deadLetterKey());
        assertEquals("data.devices[0]: humidity: 180.0 % is outside the valid range 0..100 %", humidity.reason());
        assertEquals("humidity", DeadLetter.kindOf(humidity.reason()));
        assertEquals("W01", humidity.deviceId());
    }

    @Test
    void aValueThatConvertsBeyondAnyNumberOrAUnitWithControlCharactersIsAProblemNotAStoredValue() throws Exception {
        MeasurementCatalog unbounded = MeasurementCatalog.read(new ByteArrayInputStream(("measurements: [{name: co2,"
                + " field: co2, unit: ppm, unitField: co2Unit, units: {ppm: {}, \"%\": {scale: 10000}}}]")
                .getBytes(StandardCharsets.UTF_8)), "test.yaml");
        assertEquals(612, read(unbounded, "{\"co2\":612}").measurements().get(0).value(), "a unit without scale: 1");
        assertEquals("1.0E308 % is not a finite number in ppm",
                read(unbounded, "{\"co2\":1e308,\"co2Unit\":\"%\"}").problems().get(0).reason());
        String forged = read(unbounded, "{\"co2\":1,\"co2Unit\":\"x\\n2026-01-01 INFO forged\"}").problems().get(0)
                .reason();
        assertTrue(forged.contains("\\n2026") && !forged.contains("\n"), forged);
    }

    @Test
    void aCatalogThatCannotWorkStopsTheStartWithTheReason() {
        assertTrue(catalogError("measurements: [{name: temperature, field: t2, unit: C, units: {C: {}}}]")
                .contains("the seed's measurement keeps its field temperature, its unitField measure"));
        String temperature = "{name: temperature, field: temperature, unit: \"°C\", unitField: measure, ";
        assertTrue(catalogError("measurements: [" + temperature + "units: {C: {}, R: {}}, range: {min: 0, max: 1}}]")
                .endsWith("unit 'R' is not one the pipeline converts: C, F or K"));
        assertTrue(catalogError("measurements: [" + temperature + "units: {F: {scale: 0.5}}, range: {min: 0, max: 1}}]")
                .endsWith("unit F is converted as the seed converts it: give no scale or offset"));
        assertTrue(catalogError("measurements: [" + temperature + "units: {C: {}}}]").endsWith("needs min < max"));
        assertTrue(catalogError("measurements: [" + temperature + "units: {C: {}}, range: {min: 0, max: 1},"
                + " detectors: {spike: {}}}]").contains("temperature's detectors are the anomaly.* settings"));
        assertTrue(catalogError("measurements: [{name: co2, field: co2, unit: ppm, units: {ppm: {}, \"p\\tm\": {}}}]")
                .contains("must be visible characters"));
        assertTrue(catalogError("measurements: [{name: co2, field: co2, unit: ppm, units: {ppb: {scale: 0.001}}}]")
                .endsWith("measurement co2: units must list the canonical unit ppm"));
        assertTrue(catalogError("measurements: [{name: co2, field: temperature, unit: ppm, units: {ppm: {}}}]")
                .contains("field temperature is missing or taken"));
        assertTrue(catalogError("measurements: [{name: co2, field: co2, unit: ppm, units: {ppm: {}}, colour: red}]")
                .contains("is not a measurement catalog"));
        assertTrue(catalogError("measurements: [{name: CO2, field: co2, unit: ppm, units: {ppm: {}}}]")
                .contains("name must be"));
        assertTrue(catalogError("measurements: [{name: co2, field: co2, unit: ppm, units: {ppm: {}}, range: {max: 10}}]")
                .contains("a range needs both min and max"));
        assertTrue(catalogError("measurements: [{name: co2, field: co2, unit: ppm, units: {ppm: {}, \"%\": {scale: 10000}}}]")
                .endsWith("units beyond the canonical ppm need a unitField, the field naming them"));
        String co2 = "measurements: [{name: co2, field: co2, unit: ppm, units: {ppm: {}}, range: {min: 0, max: 10000}";
        assertTrue(catalogError(co2 + ", typical: {min: 400, max: 20000}}]").endsWith("typical needs min < max, inside the range"));
        assertTrue(catalogError("{" + co2 + "}], deviceTypes: [{name: air-sensor, measurements: [co2]}]}")
                .endsWith("device type air-sensor: measurements must list temperature: every reading carries it (the seed's format)"));
        assertTrue(catalogError("{" + co2 + "}], deviceTypes: [{name: air-sensor, measurements: [temperature, ozone]}]}")
                .endsWith("device type air-sensor: measurement ozone is not declared in the catalog"));
        assertTrue(catalogError("{" + co2 + "}], deviceTypes: [{name: a, measurements: [temperature]}, {name: a,"
                + " measurements: [temperature]}]}").endsWith("device type a: declared twice"));
    }

    @Test
    void theShippedCatalogDeclaresThermometersAndWeatherStations() throws Exception {
        assertEquals(List.of(new MeasurementCatalog.DeviceType("thermometer", List.of("temperature")),
                new MeasurementCatalog.DeviceType("weather-station", List.of("temperature", "humidity", "pressure"))),
                shipped().deviceTypes());
        assertEquals(List.of(MeasurementCatalog.THERMOMETER), MeasurementCatalog.NONE.deviceTypes(),
                "a catalog without device types: the seed's thermometers");
    }

    @Test
    void temperatureDeclaredInTheCatalogSetsTheMeasuresAcceptedAndTheirRangeInCelsius() throws Exception {
        ReadingRules shipped = ReadingRules.STANDARD.withCatalog(shipped());
        assertEquals("C,F -60.0..150.0", shipped.temperature().units().keySet().stream()
                .reduce((a, b) -> a + "," + b).orElseThrow() + " " + shipped.temperature().range().min() + ".."
                + shipped.temperature().range().max());
        assertEquals("measure 'K' is not one of C, F (the measurement catalog's temperature units)",
                refusal(shipped, 290, "K"));
        assertEquals(null, refusal(shipped, 302, "F"), "150 °C in F");
        assertEquals("temperature 302.5 F is outside the plausible range -76..302 F (the measurement catalog's"
                + " temperature range)", refusal(shipped, 302.5, "F"));

        MeasurementCatalog indoor = catalog("measurements: [{name: temperature, field: temperature, unit: \"°C\","
                + " unitField: measure, units: {C: {}, K: {}}, range: {min: -10, max: 40}}]");
        ReadingRules rules = ReadingRules.STANDARD.withCatalog(indoor);
        assertEquals(null, refusal(rules, 310, "K"));
        assertEquals("temperature 320.0 K is outside the plausible range 263.15..313.15 K (the measurement catalog's"
                + " temperature range)", refusal(rules, 320, "K"));
        assertEquals(List.of(), indoor.definitions(), "temperature keeps its own columns: not a measurement beyond it");

        // one declaration per setting: the catalog's temperature and readings.measures both is a start refused
        var both = io.iotpipeline.settings.Settings.of(java.util.Map.of("readings.statuses", "SUCCESS",
                "readings.measures", "C,F,K"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReadingRules.from(both, indoor)).getMessage()
                .startsWith("readings.measures: temperature's units and range are declared in the measurement catalog"));
        // a catalog without temperature: readings.* as before, the seed's C and F when unset
        ReadingRules seeds = ReadingRules.from(io.iotpipeline.settings.Settings.of(java.util.Map.of(
                "readings.statuses", "SUCCESS")), MeasurementCatalog.NONE);
        assertEquals("measure 'K' is not one of C, F (readings.measures)", refusal(seeds, 290, "K"));
        assertEquals("temperature 151.0 C is outside the plausible range -60..150 C (readings.range.C)",
                refusal(seeds, 151, "C"));
    }

    private static String refusal(ReadingRules rules, double temperature, String measure) throws Exception {
        String event = TestEvent.of(TestEvent.SEED_ID).devices("{\"deviceId\":\"D001\",\"temperature\":" + temperature
                + ",\"measure\":\"" + measure + "\",\"status\":\"SUCCESS\"}").json();
        ReadingRules.EventReadings read = rules.readings(EventJson.MAPPER.readValue(event, DeviceEvent.class),
                new SourceRecord("device_stream", 0, 1, "CI00103", event));
        return read.deadLetters().isEmpty() ? null
                : read.deadLetters().get(0).reason().substring("data.devices[0]: ".length());
    }

    private static MeasurementCatalog catalog(String yaml) throws IOException {
        return MeasurementCatalog.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private static String catalogError(String yaml) {
        return assertThrows(IllegalArgumentException.class, () -> MeasurementCatalog.read(
                new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml")).getMessage();
    }
}

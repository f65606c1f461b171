package io.iotpipeline.ingest;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReadingRulesTest {

    static final String SEED = io.iotpipeline.TestEvent.seed().json();
    static final SourceRecord SOURCE = new SourceRecord("device_stream", 2, 41, "CI00103", SEED);
    private final ObjectMapper json = EventJson.MAPPER;

    @Test
    void theSeedEventYieldsOneReadingPerDevice() throws Exception {
        ReadingRules.EventReadings read = ReadingRules.STANDARD.readings(json.readValue(SEED, DeviceEvent.class), SOURCE);
        UUID eventId = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        LocalDateTime time = LocalDateTime.of(2023, 1, 5, 11, 13, 53, 643_364_000);
        assertEquals(List.of(
                new DeviceReading(eventId, "CI00103", 10001, "device", time, "D001", "C", "ERROR", 15.0, 15.0, null, SOURCE, false),
                new DeviceReading(eventId, "CI00103", 10001, "device", time, "D002", "C", "SUCCESS", 16.0, 16.0, null, SOURCE, false)),
                read.readings());
        assertEquals(List.of(), read.deadLetters());
    }

    @Test
    void extraSensorFieldsAreKeptAsJson() throws Exception {
        String event = SEED.replace("\"status\":\"ERROR\"}", "\"status\":\"ERROR\",\"humidity\":40,\"pressure\":{\"hPa\":1013}}");
        DeviceReading reading = (DeviceReading) ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE).readings().get(0);
        assertEquals("{\"humidity\":40,\"pressure\":{\"hPa\":1013}}", reading.extraFields());
    }

    @Test
    void extraFieldsBeyondTheirSizeLimitMakeADeadLetter() throws Exception {
        String big = "x".repeat(ReadingRules.MAX_EXTRA_FIELDS);
        String event = SEED.replace("\"status\":\"ERROR\"}", "\"status\":\"ERROR\",\"note\":\"" + big + "\"}");
        ReadingRules.EventReadings read = ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE);
        DeadLetter dead = read.deadLetters().get(0);
        assertTrue(dead.reason().startsWith("data.devices[0]: the fields beyond deviceId, temperature, measure and status"
                + " are 4107 characters of JSON, more than 4096"), dead.reason());
        assertEquals(List.of("D002"), read.readings().stream().map(DeviceReading::deviceId).toList());
    }

    @Test
    void unpairedSurrogatesAreNotText() throws Exception {
        // JSON may escape half a surrogate pair; PostgreSQL would store it as '?' in text and refuse it in jsonb
        String lone = SEED.replace("\"deviceId\":\"D001\"", "\"deviceId\":\"D\\ud800\"")
                .replace("\"status\":\"SUCCESS\"}", "\"status\":\"SUCCESS\",\"note\":\"\\udc00x\"}");
        List<DeadLetter> deadLetters = ReadingRules.STANDARD.readings(json.readValue(lone, DeviceEvent.class), SOURCE)
                .deadLetters();
        assertEquals("data.devices[0]: deviceId holds an unpaired UTF-16 surrogate at index 1, which is not Unicode text",
                deadLetters.get(0).reason());
        assertTrue(deadLetters.get(1).reason().endsWith("hold an unpaired UTF-16 surrogate, which is not Unicode text"));
        // a real pair (an emoji) is fine
        String pair = SEED.replace("\"eventPublisher\":\"device\"", "\"eventPublisher\":\"dev\\ud83d\\ude00\"");
        assertEquals(2, ReadingRules.STANDARD.readings(json.readValue(pair, DeviceEvent.class), SOURCE).readings().size());
        String customer = SEED.replace("\"customerId\":\"CI00103\"", "\"customerId\":\"CI\\udbff\"");
        assertEquals("customerId holds an unpaired UTF-16 surrogate at index 2, which is not Unicode text", assertThrows(
                InvalidEventException.class, () -> ReadingRules.checkEvent(json.readValue(customer, DeviceEvent.class)))
                .getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"eventId\":\"e3cb26d3-41b2-49a2-84f3-0156ed8d7502\"|\"eventId\":\"123\"|eventId '123' is not a UUID",
        "\"customerId\":\"CI00103\",|                     |customerId is missing",
        "\"customerId\":\"CI00103\"|\"customerId\":\"  \"|customerId is blank",
        "\"customerId\":\"CI00103\"|\"customerId\":\"CI0010300000000000000000\"|customerId is 24 characters long, more than 20",
        "2023-01-05 11:13:53.643364|05/01/2023|eventTime '05/01/2023' is not a time in the format yyyy-MM-dd HH:mm:ss.SSSSSS",
        "\"eventOffset\":10001,|                    |eventOffset is missing",
        "2023-01-05 11:13:53.643364|+99999-01-05 11:13:53|eventTime '+99999-01-05 11:13:53' is outside the years 1900 to 9999",
        "2023-01-05 11:13:53.643364|1812-01-05 11:13:53|eventTime '1812-01-05 11:13:53' is outside the years 1900 to 9999",
    })
    void anEventWithABadFieldIsRejectedWithItsReason(String from, String to, String reason) throws Exception {
        DeviceEvent event = json.readValue(SEED.replace(from, to == null ? "" : to), DeviceEvent.class);
        InvalidEventException error = assertThrows(InvalidEventException.class, () -> ReadingRules.checkEvent(event));
        assertEquals(reason, error.getMessage());
    }

    @Test
    void anEventWithoutDevicesIsRejected() throws Exception {
        String empty = SEED.replaceAll("(?s)\\[.*\\]", "[]");
        InvalidEventException error = assertThrows(InvalidEventException.class,
                () -> ReadingRules.checkEvent(json.readValue(empty.replace("\n", ""), DeviceEvent.class)));
        assertTrue(error.getMessage().startsWith("data.devices is empty"), error.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"status\":\"ERROR\"|\"status\":\"BROKEN\"|data.devices[0]: status '\"BROKEN\"' is not one of SUCCESS, ERROR, STANDBY",
        "\"status\":\"ERROR\"|\"status\":null|data.devices[0]: status is missing",
        "\"temperature\":15|\"temperature\":\"hot\"|data.devices[0]: temperature '\"hot\"' is not a finite number",
        "\"temperature\":15|\"temperature\":[15]|data.devices[0]: temperature '[15]' is not a finite number",
        "\"temperature\":15,|                 |data.devices[0]: temperature is missing",
        "\"deviceId\":\"D001\"|\"deviceId\":1|data.devices[0]: deviceId '1' is not a string",
        "\"deviceId\":\"D001\"|\"deviceId\":\"D002\"|data.devices[1]: deviceId 'D002' appears twice in the event",
        "\"measure\":\"C\",\"status\":\"ERROR\"|\"measure\":\"CELSIUS-DEGREES\",\"status\":\"ERROR\"|data.devices[0]: measure is 15 characters long, more than 10",
    })
    void aBadDeviceIsADeadLetterWhileTheOthersAreReadings(String from, String to, String reason) throws Exception {
        String event = SEED.replaceFirst(java.util.regex.Pattern.quote(from), to == null ? "" : to);
        ReadingRules.EventReadings read = ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE);
        assertEquals(1, read.deadLetters().size());
        DeadLetter dead = read.deadLetters().get(0);
        assertEquals(reason, dead.reason());
        assertTrue(dead.deadLetterKey().startsWith("device_stream/2@41#device["), dead.deadLetterKey());
        assertEquals(1, read.readings().size());
    }

    @Test
    void hugeNumbersStayValidJsonAndAreNotTemperatures() throws Exception {
        String event = SEED.replace("\"temperature\":15,", "\"temperature\":1e400,\"pressure\":1e400,");
        assertEquals("data.devices[0]: temperature '1E+400' is not a finite number", ReadingRules.STANDARD.readings(
                json.readValue(event, DeviceEvent.class), SOURCE).deadLetters().get(0).reason());
        event = SEED.replace("\"temperature\":15,", "\"temperature\":15,\"pressure\":1e400,");
        DeviceReading reading = (DeviceReading) ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE).readings().get(0);
        assertEquals("{\"pressure\":1E+400}", reading.extraFields());
        assertThrows(com.fasterxml.jackson.databind.exc.MismatchedInputException.class,
                () -> json.readValue(SEED.replace("10001", "10001.5"), DeviceEvent.class));
    }

    @Test
    void numericStringsAreTemperaturesButNotNanOrInfinity() {
        var nodes = json.getNodeFactory();
        assertEquals(21.5, ReadingRules.temperature(nodes.textNode(" 21.5 ")));
        assertTrue(Double.isNaN(ReadingRules.temperature(nodes.textNode("NaN"))));
        assertTrue(Double.isNaN(ReadingRules.temperature(nodes.textNode("Infinity"))));
        assertTrue(Double.isNaN(ReadingRules.temperature(nodes.booleanNode(true))));
    }

    @Test
    void eventTimesAcceptOneToNineFractionDigitsOrNone() throws Exception {
        assertEquals(LocalDateTime.of(2023, 1, 5, 11, 13, 53), ReadingRules.parseEventTime("2023-01-05 11:13:53"));
        assertEquals(LocalDateTime.of(2023, 1, 5, 11, 13, 53, 100_000_000), ReadingRules.parseEventTime("2023-01-05 11:13:53.1"));
        assertThrows(InvalidEventException.class, () -> ReadingRules.parseEventTime("2023-01-05T11:13:53Z"));
        assertThrows(InvalidEventException.class, () -> ReadingRules.parseEventTime("2023-02-30 11:13:53"));
    }

    @Test
    void theShippedSampleEventsAreValid() throws Exception {
        List<String> events = new java.util.ArrayList<>();
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("devices"))) {
            for (java.nio.file.Path file : files.sorted().toList()) {
                String text = java.nio.file.Files.readString(file);
                if (file.toString().endsWith(".json")) {
                    events.add(text);
                } else {
                    text.lines().filter(l -> !l.isBlank()).forEach(events::add);
                }
            }
        }
        assertEquals(63, events.size());
        for (String event : events) {
            ReadingRules.EventReadings read = ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE);
            assertEquals(List.of(), read.deadLetters(), event);
        }
    }

    @Test
    void fahrenheitIsConvertedForTheMetricsWhileTheReadingKeepsWhatWasSent() throws Exception {
        String event = SEED.replace("\"temperature\":15,\"measure\":\"C\"", "\"temperature\":59,\"measure\":\"F\"");
        DeviceReading reading = (DeviceReading) ReadingRules.STANDARD.readings(json.readValue(event, DeviceEvent.class), SOURCE).readings().get(0);
        assertEquals(59.0, reading.temperature());
        assertEquals("F", reading.measure());
        assertEquals(15.0, reading.temperatureCelsius(), 1e-9);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"temperature\":15,|\"temperature\":151,|temperature 151.0 C is outside the plausible range -60..150 C (readings.range.C)",
        "\"temperature\":15,|\"temperature\":-61,|temperature -61.0 C is outside the plausible range -60..150 C (readings.range.C)",
        "\"measure\":\"C\",\"status\":\"ERROR\"|\"measure\":\"K\",\"status\":\"ERROR\"|measure 'K' is not one of C, F (readings.measures)",
        "\"status\":\"ERROR\"|\"status\":\"STANDBY\"|status '\"STANDBY\"' is not one of SUCCESS, ERROR (readings.statuses)",
    })
    void configuredRulesTurnImplausibleOrUnwantedReadingsIntoDeadLetters(String from, String to, String reason)
            throws Exception {
        ReadingRules rules = ReadingRules.from(io.iotpipeline.settings.Settings.of(java.util.Map.of(
                "readings.statuses", "SUCCESS, ERROR",
                "readings.measures", "C,F",
                "readings.range.C", "-60..150",
                "readings.range.F", "-76..302")));
        ReadingRules.EventReadings read = rules.readings(json.readValue(SEED.replace(from, to), DeviceEvent.class), SOURCE);
        assertEquals("data.devices[0]: " + reason, read.deadLetters().get(0).reason());
        assertEquals(List.of("D002"), read.readings().stream().map(DeviceReading::deviceId).toList());
    }

    @Test
    void aMeasureWithoutRangeOrAnUnknownUnitIsAConfigurationError() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> ReadingRules.from(io.iotpipeline.settings.Settings.of(
                java.util.Map.of("readings.statuses", "SUCCESS", "readings.measures", "C,X", "readings.range.C", "0..1"))));
        assertEquals("readings.measures: 'X' is not a unit the pipeline can convert; use C, F or K", unknown.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> ReadingRules.from(io.iotpipeline.settings.Settings.of(
                java.util.Map.of("readings.statuses", "SUCCESS", "readings.measures", "C", "readings.range.C", "10..1"))));
        assertEquals("readings.range.C: a plausible range needs min < max, got 10.0..1.0", range.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ReadingRules.from(io.iotpipeline.settings.Settings.of(
                java.util.Map.of("readings.statuses", "SUCCESS,BROKEN", "readings.measures", "C", "readings.range.C", "0..1"))));
    }
}

package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The streaming pass takes the common case with the full path's outcome, and leaves everything else to it. */
class WellFormedEventTest {

    private static final String SEED = ReadingRulesTest.SEED;
    private static final SourceRecord SOURCE = ReadingRulesTest.SOURCE;

    @Test
    void theSeedEventAndTheSimulatorsEventsTakeTheStreamingPass() {
        assertTakenAsTheFullPathReadsIt(SEED);
        assertTakenAsTheFullPathReadsIt(SEED.replace("\"temperature\":15", "\"temperature\":-12.345678901234567"));
        assertTakenAsTheFullPathReadsIt(SEED.replace("\"temperature\":15,\"measure\":\"C\"",
                "\"temperature\":98.6,\"measure\":\"F\""));
        assertTakenAsTheFullPathReadsIt(SEED.replace("\"eventPublisher\":\"device\"",
                "\"eventPublisher\":\"device\",\"firmware\":{\"v\":[1,2]}"));
        assertTakenAsTheFullPathReadsIt(SEED.replace("e3cb26d3-41b2", "E3CB26D3-41B2"));
        var simulator = new io.iotpipeline.simulator.DeviceSimulator(new io.iotpipeline.simulator.SimulatorSettings(
                1000, 100, 5, 100, 20, 1, 4, io.iotpipeline.simulator.SimulatorSettings.parseStatusMix(
                "SUCCESS:80,ERROR:10,STANDBY:10"), -10, 45, 0.5, 0, 0, 0, 0, 0.3, 0, 0, 0, 7), java.time.Clock.systemUTC());
        for (int tick = 0; tick < 3; tick++) {
            simulator.tick().forEach(event -> assertTakenAsTheFullPathReadsIt(event.json()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "\"status\":\"ERROR\"|\"status\":\"BROKEN\"",
        "\"status\":\"ERROR\"|\"status\":null",
        "\"temperature\":15|\"temperature\":\"15\"",
        "\"temperature\":15|\"temperature\":1e400",
        "\"temperature\":15|\"temperature\":151",
        "\"deviceId\":\"D002\"|\"deviceId\":\"D001\"",
        "\"deviceId\":\"D001\"|\"deviceId\":\"D\\ud800\"",
        "\"deviceId\":\"D001\"|\"deviceId\":\"D001\",\"deviceId\":\"D003\"",
        "\"status\":\"ERROR\"}|\"status\":\"ERROR\",\"humidity\":40}",
        "\"measure\":\"C\",\"status\":\"ERROR\"|\"measure\":\"X\",\"status\":\"ERROR\"",
        "\"eventOffset\":10001|\"eventOffset\":10001.5",
        "\"eventOffset\":10001|\"eventOffset\":\"10001\"",
        "\"eventOffset\":10001|\"eventOffset\":100000000000000000000",
        "\"eventOffset\":10001|\"eventOffset\":10001,\"eventOffset\":10002",
        "\"customerId\":\"CI00103\"|\"customerId\":\"\"",
        "\"customerId\":\"CI00103\"|\"customerId\":7",
        "e3cb26d3-41b2|e3cb26d3_41b2",
        "11:13:53.643364|11:13:53.",
        "11:13:53.643364|24:00:00",
        "2023-01-05|2023-02-29",
        "2023-01-05|1899-12-31",
        "2023-01-05|2023-1-05",
        "11:13:53.643364|11:13:53.6433641234",
        "\"devices\":[|\"devices\":[null,",
        "\"data\":{|\"data\":{\"devices\":[],",
        "\"eventTime\":\"2023-01-05 11:13:53.643364\"}|\"eventTime\":\"2023-01-05 11:13:53.643364\"}{}",
    })
    void anythingElseIsLeftToTheFullPath(String change) {
        String[] fromTo = change.split("\\|", 2);
        String event = SEED.replace(fromTo[0], fromTo[1]);
        assertFalse(event.equals(SEED), change);
        List<DeviceReading> readings = new ArrayList<>(List.of(reading()));
        assertFalse(read(bytes(event), readings), event);
        assertEquals(List.of(reading()), readings, "the list is as it was");
    }

    @Test
    void eventTimesReadByHandAreWhatTheFormatterReads() throws Exception {
        List<String> times = new ArrayList<>(List.of("2024-02-29 23:59:59", "2023-02-28 00:00:00.1",
                "2023-12-31 12:30:45.123456789", "2023-04-30 01:02:03.000001", "1900-01-01 00:00:00.99999950",
                "9999-12-31 23:59:59.9"));
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            LocalDateTime time = LocalDateTime.of(1900 + random.nextInt(8100), 1 + random.nextInt(12), 1, 0, 0)
                    .plusDays(random.nextInt(31)).plusSeconds(random.nextInt(86_400)).withNano(random.nextInt(1_000_000_000));
            String text = time.format(java.time.format.DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSSSSSSSS"));
            times.add(text.substring(0, 19 + (random.nextInt(11) == 0 ? 0 : 2 + random.nextInt(9))));
        }
        for (String text : times) {
            LocalDateTime expected = LocalDateTime.parse(text, ReadingRules.EVENT_TIME).truncatedTo(ChronoUnit.MICROS);
            assertEquals(expected, ReadingRules.parseEventTime(text), text);
        }
        for (String invalid : List.of("2023-02-29 00:00:00", "2023-04-31 00:00:00", "2023-13-01 00:00:00",
                "2023-01-01 24:00:00", "2023-01-01 00:60:00")) {
            assertThrows(invalid);
        }
    }

    private static void assertThrows(String invalid) {
        org.junit.jupiter.api.Assertions.assertThrows(DateTimeParseException.class,
                () -> LocalDateTime.parse(invalid, ReadingRules.EVENT_TIME));
        org.junit.jupiter.api.Assertions.assertThrows(InvalidEventException.class,
                () -> ReadingRules.parseEventTime(invalid), invalid);
    }

    private static void assertTakenAsTheFullPathReadsIt(String event) {
        ReadingRules.EventReadings full;
        try {
            full = ReadingRules.STANDARD.readings(EventJson.MAPPER.readValue(event, DeviceEvent.class), SOURCE);
        } catch (Exception e) {
            throw new AssertionError(event, e);
        }
        assertEquals(List.of(), full.deadLetters(), event);
        List<DeviceReading> readings = new ArrayList<>();
        assertTrue(read(bytes(event), readings), event);
        assertEquals(full.readings(), readings, event);
    }

    private static DeviceReading reading() {
        return new DeviceReading(java.util.UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502"), "CI00103", 1,
                "device", LocalDateTime.of(2023, 1, 5, 0, 0), "D009", "C", "SUCCESS", 1, 1, null, SOURCE, false);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The common case as the ingest route reads it: parsed, then its devices judged. */
    private static boolean read(byte[] value, List<DeviceReading> readings) {
        WellFormedEvent.Parsed event = WellFormedEvent.parse(value);
        return event != null && WellFormedEvent.readings(event, ReadingRules.STANDARD, SOURCE, readings);
    }
}

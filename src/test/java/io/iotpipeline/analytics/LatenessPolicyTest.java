package io.iotpipeline.analytics;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LatenessPolicyTest {

    static final LocalDateTime NOW = LocalDateTime.parse("2024-03-01T13:00:00");
    final LatenessPolicy tenMinutes = new LatenessPolicy(Duration.ofMinutes(10), null, Duration.ofMinutes(5));

    @Test
    void aReadingOlderThanTheNewestEventTimeMinusTheAllowedLatenessIsLate() {
        List<DeviceReading> batch = readings(0, "12:00", "12:05", "11:56", "12:20", "12:09:59", "12:10", "09:00");
        var result = tenMinutes.classify(batch, new HashMap<>(), NOW);
        assertEquals(List.of(false, false, false, false, true, false, true), flags(result.readings()));
        assertEquals(2, result.late());
        assertEquals(List.of(), result.deadLetters());
    }

    @Test
    void theOutcomeDoesNotDependOnBatchBoundaries() {
        List<DeviceReading> all = readings(0, "12:00", "12:30", "12:15", "12:25", "12:40", "12:29:59", "12:31");
        List<Boolean> inOneBatch = flags(tenMinutes.classify(all, new HashMap<>(), NOW).readings());

        // the newest eventTimes carried between batches, as the database carries them across a restart
        Map<LatenessPolicy.Stream, LocalDateTime> newest = new HashMap<>();
        List<Boolean> inThreeBatches = new ArrayList<>();
        inThreeBatches.addAll(flags(tenMinutes.classify(all.subList(0, 2), newest, NOW).readings()));
        inThreeBatches.addAll(flags(tenMinutes.classify(all.subList(2, 5), newest, NOW).readings()));
        inThreeBatches.addAll(flags(tenMinutes.classify(all.subList(5, 7), newest, NOW).readings()));

        assertEquals(List.of(false, false, true, false, false, true, false), inOneBatch);
        assertEquals(inOneBatch, inThreeBatches);
    }

    @Test
    void eachPartitionHasItsOwnWatermark() {
        List<DeviceReading> batch = new ArrayList<>(readings(0, "12:00", "12:30"));
        batch.addAll(readings(1, "12:00"));
        batch.addAll(readings(0, "12:00"));
        assertEquals(List.of(false, false, false, true), flags(tenMinutes.classify(batch, new HashMap<>(), NOW).readings()));
    }

    @Test
    void readingsFromTheFutureOrBeyondTheHorizonAreDeadLettersAndDoNotMoveTheWatermark() {
        LatenessPolicy withHorizon = new LatenessPolicy(Duration.ofMinutes(10), Duration.ofHours(1), Duration.ofMinutes(5));
        List<DeviceReading> batch = readings(0, "12:00", "13:05:01", "10:59:59", "11:00", "12:55");
        var result = withHorizon.classify(batch, new HashMap<>(), NOW);

        assertEquals(List.of("12:00", "11:00", "12:55"), result.readings().stream()
                .map(r -> r.eventTime().toLocalTime().toString()).toList());
        assertEquals(List.of(false, true, false), flags(result.readings()));
        assertEquals(2, result.deadLetters().size());
        assertTrue(result.deadLetters().get(0).reason().startsWith("eventTime 2024-03-01 13:05:01.000000 is 301 s ahead of the"
                + " pipeline clock, more than the 300 s allowed"), result.deadLetters().get(0).reason());
        assertTrue(result.deadLetters().get(1).reason().contains("is 3601 s behind the newest eventTime 2024-03-01 12:00:00.000000 of its stream"),
                result.deadLetters().get(1).reason());
    }

    @Test
    void aHorizonShorterThanTheAllowedLatenessIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class,
                () -> new LatenessPolicy(Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ZERO));
    }

    static List<DeviceReading> readings(int partition, String... times) {
        List<DeviceReading> readings = new ArrayList<>();
        for (String time : times) {
            LocalDateTime eventTime = LocalDateTime.parse("2024-03-01T" + (time.length() == 5 ? time + ":00" : time));
            readings.add(new DeviceReading(UUID.randomUUID(), "CI00100", readings.size(), "device", eventTime, "D001",
                    "C", "SUCCESS", 20, 20, null, new SourceRecord("device_stream", partition, readings.size(), null, "{}"),
                    false));
        }
        return readings;
    }

    static List<Boolean> flags(List<DeviceReading> readings) {
        return readings.stream().map(DeviceReading::late).toList();
    }
}

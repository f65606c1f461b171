package io.iotpipeline.store;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadingStoreTest {

    @Test
    void readingsAreCutIntoBatchesOfTheConfiguredRows() {
        List<DeviceReading> readings = new ArrayList<>();
        for (int i = 0; i < 1201; i++) {
            readings.add(new DeviceReading(UUID.randomUUID(), "CI00100", i, "device", LocalDateTime.now(), "D001", "C",
                    "SUCCESS", 20, 20, null, new SourceRecord("t", 0, i, null, "{}"), false));
        }
        var batches = ReadingStore.inRowBatches(readings, 500);
        assertEquals(List.of(500, 500, 201), batches.stream().map(List::size).toList());
        assertEquals(readings.get(1200).eventId(), batches.get(2).get(200).eventId());
        assertEquals(List.of(), ReadingStore.inRowBatches(List.of(), 500));
    }

    @Test
    void anEventsReadingsStayInOneBatch() {
        List<DeviceReading> readings = new ArrayList<>();
        LocalDateTime time = LocalDateTime.of(2026, 12, 1, 10, 0);
        for (int event = 0; event < 4; event++) {
            UUID eventId = UUID.randomUUID();
            for (int device = 1; device <= 3; device++) {
                readings.add(new DeviceReading(eventId, "CI00100", event, "device", time, "D00" + device, "C",
                        "SUCCESS", 20, 20, null, new SourceRecord("t", 0, event, null, "{}"), false));
            }
        }
        // a cut after 5 rows would split the second event
        assertEquals(List.of(6, 6), ReadingStore.inRowBatches(readings, 5).stream().map(List::size).toList());
        assertEquals(List.of(3, 3, 3, 3), ReadingStore.inRowBatches(readings, 1).stream().map(List::size).toList());
    }
}

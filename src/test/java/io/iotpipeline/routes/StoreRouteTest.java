package io.iotpipeline.routes;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class StoreRouteTest {

    @Test
    void readingsAreCutIntoBatchesOfAtMostTheConfiguredRows() {
        List<DeviceReading> readings = new ArrayList<>();
        for (int i = 0; i < 1201; i++) {
            readings.add(new DeviceReading(UUID.randomUUID(), "CI00100", i, "device", LocalDateTime.now(), "D001", "C",
                    "SUCCESS", 20, 20, null, new SourceRecord("t", 0, i, null, "{}"), false));
        }
        var batches = StoreRoute.rowBatches(readings, 500);
        assertEquals(List.of(500, 500, 201), batches.stream().map(List::size).toList());
        assertEquals(readings.get(1200).eventId(), batches.get(2).get(200).eventId());
        assertEquals(List.of(), StoreRoute.rowBatches(List.of(), 500));
    }
}

package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.iotpipeline.TestEvent;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IngestInstanceTest {

    @Test
    void anInstanceKeepsItsOwnStatusesOnTheShippedRules() {
        IngestInstance lab = IngestInstance.of(ReadingRules.STANDARD, " SUCCESS , ", "10", "50");
        assertEquals(10, lab.rowsPerBatch());
        assertEquals(50, lab.batchesPerSecond());
        EventReader reader = new EventReader(ReadingRules.STANDARD, 1 << 20);
        byte[] event = TestEvent.of(TestEvent.SEED_ID).device("D1", 20, "C", "SUCCESS").device("D2", 20, "C", "ERROR")
                .json().getBytes(StandardCharsets.UTF_8);
        List<DeviceEntry> entries = EventReader.devices(reader.events(List.of(new EventReader.Record(
                new SourceRecord("lab_stream", 0, 0, "CI00103", RecordValue.text(event)), event))).events());
        assertEquals(2, reader.readings(entries).readings().size(), "the shipped rules take both statuses");
        EventReader.Read read = reader.withRules(lab.rules()).readings(entries);
        assertEquals(List.of("D1"), read.readings().stream().map(r -> r.deviceId()).toList());
        assertTrue(read.deadLetters().get(0).reason().contains("is not one of SUCCESS"), read.deadLetters().toString());
    }

    @Test
    void aBadParameterIsNamed() {
        assertEquals("rowsPerBatch must be a positive integer, got \"abc\"", assertThrows(IllegalArgumentException.class,
                () -> IngestInstance.of(ReadingRules.STANDARD, "SUCCESS", "abc", "1")).getMessage());
        assertEquals("batchesPerSecond must be a positive integer, got \"0\"", assertThrows(IllegalArgumentException.class,
                () -> IngestInstance.of(ReadingRules.STANDARD, "SUCCESS", "1", "0")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> IngestInstance.of(ReadingRules.STANDARD, "SUCCES", "1", "1")).getMessage().startsWith("statuses: "));
    }
}

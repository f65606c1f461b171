package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventReaderTest {

    private final EventReader reader = new EventReader(ReadingRules.STANDARD, 10_000);

    @Test
    void aBatchBecomesItsReadingsAndDeadLettersEachStepsInRecordOrder() {
        byte[] seed = ReadingRulesTest.SEED.getBytes(StandardCharsets.UTF_8);
        byte[] oneBadDevice = ReadingRulesTest.SEED.replace("\"status\":\"SUCCESS\"", "\"status\":\"BROKEN\"")
                .getBytes(StandardCharsets.UTF_8);
        byte[] notUtf8 = seed.clone();
        notUtf8[ReadingRulesTest.SEED.indexOf("CI00103")] = (byte) 0xff;
        EventReader.Read read = read(List.of(record(0, seed), record(1, null), record(2, "{\"eventId\":".getBytes(
                StandardCharsets.UTF_8)), record(3, oneBadDevice), record(4, notUtf8), record(5, new byte[10_001]),
                record(6, ReadingRulesTest.SEED.replace("e3cb26d3-41b2", "x").getBytes(StandardCharsets.UTF_8))));

        assertEquals(List.of("D001@0", "D002@0", "D001@3"), read.readings().stream()
                .map(r -> r.deviceId() + "@" + r.source().offset()).toList());
        assertEquals(List.of(
                "device_stream/0@1: the Kafka record has no value",
                "device_stream/0@2: not a readable event: Unexpected end-of-input within/between Object entries",
                "device_stream/0@4: the event is not valid UTF-8: 1 bad byte(s) at byte " + ReadingRulesTest.SEED.indexOf("CI00103"),
                "device_stream/0@5: the event is 10001 bytes, more than 10000 (ingest.maxEventBytes)",
                "device_stream/0@6: eventId 'x-49a2-84f3-0156ed8d7502' is not a UUID",
                // the devices are judged after every record is unmarshalled
                "device_stream/0@3#device[1]: data.devices[1]: status '\"BROKEN\"' is not one of SUCCESS, ERROR, STANDBY"),
                read.deadLetters().stream().map(d -> d.deadLetterKey() + ": " + d.reason()).toList());
        assertEquals("x-49a2-84f3-0156ed8d7502", read.deadLetters().get(4).eventId(), "a parsed event keeps its id");
    }

    private static EventReader.Record record(long offset, byte[] value) {
        return new EventReader.Record(new SourceRecord("device_stream", 0, offset, "CI00103", RecordValue.text(value)),
                value);
    }

    /** The batch through the ingest route's three steps: unmarshal, split, filter (the unmarshal's dead letters first). */
    private EventReader.Read read(List<EventReader.Record> records) {
        ReadEvent.Batch events = reader.events(records);
        EventReader.Read filtered = reader.readings(EventReader.devices(events.events()));
        List<io.iotpipeline.domain.DeadLetter> deadLetters = new java.util.ArrayList<>(events.unreadable());
        deadLetters.addAll(filtered.deadLetters());
        return new EventReader.Read(filtered.readings(), deadLetters);
    }
}

package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;

/**
 * Reads a batch of Kafka records into readings and dead letters in three steps, each one call per batch (the ingest
 * route's {@code unmarshal-events}, {@code split-devices} and {@code filter-readings}): {@link #events} checks each
 * record's bytes ({@link RecordValue}) and reads its event, in one streaming pass for the common shape
 * ({@link WellFormedEvent}) or as a {@link DeviceEvent} tree; {@link #devices} splits {@code data.devices};
 * {@link #readings} judges each device by the reading rules ({@link ReadingRules}). Whatever cannot be a reading
 * becomes a dead letter with the reason. A whole batch per call costs a fraction of one Camel exchange per record and
 * per device (bench/README.md).
 */
public final class EventReader {

    /** A Kafka record as consumed: where it came from, and its value as bytes (null for a tombstone). */
    public record Record(SourceRecord source, byte[] value) {
    }

    /** What a batch yields, in record order. */
    public record Read(List<DeviceReading> readings, List<DeadLetter> deadLetters) {
    }

    private static final ObjectReader EVENT = EventJson.MAPPER.readerFor(DeviceEvent.class);

    private final ReadingRules rules;
    private final int maxEventBytes;

    public EventReader(ReadingRules rules, int maxEventBytes) {
        this.rules = rules;
        this.maxEventBytes = maxEventBytes;
    }

    /** The same reader with other rules (a pipeline instance's, {@link IngestInstance}). */
    public EventReader withRules(ReadingRules other) {
        return other == rules ? this : new EventReader(other, maxEventBytes);
    }

    /** Unmarshals each record's event, its event-level fields checked; a record that is no valid event is a dead letter. */
    public ReadEvent.Batch events(List<Record> records) {
        List<ReadEvent> events = new ArrayList<>(records.size());
        List<DeadLetter> unreadable = new ArrayList<>();
        for (Record record : records) {
            try {
                RecordValue.check(record.value(), maxEventBytes);
                WellFormedEvent.Parsed plain = WellFormedEvent.parse(record.value());
                events.add(plain != null ? new ReadEvent(record, plain, null)
                        : new ReadEvent(record, null, checkedTree(record)));
            } catch (InvalidEventException e) {
                unreadable.add(e.deadLetter(record.source()));
            }
        }
        return new ReadEvent.Batch(events, unreadable);
    }

    /** Splits each event's {@code data.devices}: one entry per device, in event order. */
    public static List<DeviceEntry> devices(List<ReadEvent> events) {
        List<DeviceEntry> entries = new ArrayList<>(events.size() * 3);
        for (ReadEvent event : events) {
            for (int i = 0, n = event.devices(); i < n; i++) {
                entries.add(new DeviceEntry(event, i));
            }
        }
        return entries;
    }

    /**
     * Judges the entries by the reading rules: a reading per valid device, a dead letter with the reason per other
     * one. The devices of one event are judged together (a deviceId twice in an event is refused).
     */
    public Read readings(List<DeviceEntry> entries) {
        List<DeviceReading> readings = new ArrayList<>(entries.size());
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (int i = 0; i < entries.size(); ) {
            ReadEvent event = entries.get(i).event();
            while (i < entries.size() && entries.get(i).event() == event) {
                i++;
            }
            if (event.plain() != null && WellFormedEvent.readings(event.plain(), rules, event.source(), readings)) {
                continue;
            }
            try {
                // an event in the common shape with a device to refuse is read again as a tree, which says why
                ReadingRules.CheckedEvent checked = event.checked() != null ? event.checked() : checkedTree(event.record());
                ReadingRules.EventReadings read = rules.readings(checked, event.source());
                readings.addAll(read.readings());
                deadLetters.addAll(read.deadLetters());
            } catch (InvalidEventException e) {
                deadLetters.add(e.deadLetter(event.source()));
            }
        }
        return new Read(readings, deadLetters);
    }

    private static ReadingRules.CheckedEvent checkedTree(Record record) throws InvalidEventException {
        DeviceEvent event = null;
        try {
            event = EVENT.readValue(record.value());
            return ReadingRules.checkEvent(event);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException("not a readable event: " + e.getOriginalMessage());
        } catch (InvalidEventException e) {
            throw e.of(event == null ? null : event.eventId());
        } catch (java.io.IOException e) {
            // reading a byte array has no other I/O: any such failure is a bug, not bad input
            throw new IllegalStateException("could not read " + record.source().coordinates(), e);
        }
    }
}

package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectReader;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;

/**
 * Reads a batch of Kafka records into readings and dead letters, one record after the other, in plain Java: each
 * record's bytes are checked ({@link RecordValue}), read as a {@link DeviceEvent} and split into one reading per valid
 * device ({@link ReadingRules}); whatever cannot be a reading becomes a dead letter with the reason. An event in the
 * common shape is read in one streaming pass instead ({@link WellFormedEvent}), with the same outcome. A whole batch in
 * one call costs a fraction of one Camel exchange per record and per device (bench/README.md).
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

    public Read read(List<Record> records) {
        List<DeviceReading> readings = new ArrayList<>(records.size() * 3);
        List<DeadLetter> deadLetters = new ArrayList<>();
        for (Record record : records) {
            DeviceEvent event = null;
            try {
                RecordValue.check(record.value(), maxEventBytes);
                if (WellFormedEvent.read(record.value(), rules, record.source(), readings)) {
                    continue;
                }
                event = EVENT.readValue(record.value());
                ReadingRules.EventReadings read = rules.readings(event, record.source());
                readings.addAll(read.readings());
                deadLetters.addAll(read.deadLetters());
            } catch (JsonProcessingException e) {
                deadLetters.add(DeadLetter.ofEvent(record.source(), "not a readable event: " + e.getOriginalMessage(),
                        null));
            } catch (InvalidEventException e) {
                deadLetters.add(DeadLetter.ofEvent(record.source(), e.getMessage(),
                        event == null ? null : event.eventId()));
            } catch (java.io.IOException e) {
                // reading a byte array has no other I/O: any such failure is a bug, not bad input
                throw new IllegalStateException("could not read " + record.source().coordinates(), e);
            }
        }
        return new Read(readings, deadLetters);
    }
}

package io.iotpipeline.ingest;

import java.util.List;

import io.iotpipeline.domain.SourceRecord;

/**
 * One Kafka record's event as unmarshalled, its event-level fields checked: read in the common shape in one streaming
 * pass ({@link WellFormedEvent.Parsed}), or as a JSON tree ({@link ReadingRules.CheckedEvent}) for every other shape.
 * Its devices are not judged yet.
 */
public record ReadEvent(EventReader.Record record, WellFormedEvent.Parsed plain, ReadingRules.CheckedEvent checked) {

    public SourceRecord source() {
        return record.source();
    }

    /** How many entries {@code data.devices} has. */
    public int devices() {
        return plain != null ? plain.devices().size() : checked.event().data().devices().size();
    }

    /** The batch's events, and the records that could not be read as one (as dead letters). */
    public record Batch(List<ReadEvent> events, List<io.iotpipeline.domain.DeadLetter> unreadable) {
    }
}

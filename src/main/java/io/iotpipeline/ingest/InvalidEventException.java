package io.iotpipeline.ingest;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.SourceRecord;

/** An event that cannot yield any reading; its message is the dead-letter reason. */
public class InvalidEventException extends Exception {

    private final String eventId;

    public InvalidEventException(String reason) {
        this(reason, null);
    }

    private InvalidEventException(String reason, String eventId) {
        super(reason, null, false, false);
        this.eventId = eventId;
    }

    /** The same refusal, of the event with this eventId (as sent, when it could be read). */
    InvalidEventException of(String eventIdAsSent) {
        return new InvalidEventException(getMessage(), eventIdAsSent);
    }

    /** The dead letter of the record whose event this is. */
    DeadLetter deadLetter(SourceRecord source) {
        return DeadLetter.ofEvent(source, getMessage(), eventId);
    }
}

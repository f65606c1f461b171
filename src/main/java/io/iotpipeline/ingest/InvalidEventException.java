package io.iotpipeline.ingest;

/** An event that cannot yield any reading; its message is the dead-letter reason. */
public class InvalidEventException extends Exception {

    public InvalidEventException(String reason) {
        super(reason, null, false, false);
    }
}

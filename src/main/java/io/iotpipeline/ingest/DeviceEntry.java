package io.iotpipeline.ingest;

/** One entry of an event's {@code data.devices}, as the split yields it: a reading to be, not judged yet. */
public record DeviceEntry(ReadEvent event, int index) {
}

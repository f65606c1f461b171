package io.iotpipeline.ingest;

/**
 * The limits of events devices post over HTTP (and MQTT): {@code ingest.http.*} ({@link IngestSettings}), and the
 * event times the consumer would store.
 */
public record PostedLimits(int maxBodyBytes, int maxEventsPerRequest, int maxEventBytes, EventTimeWindow eventTimes) {
}

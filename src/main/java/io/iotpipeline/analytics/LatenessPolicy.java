package io.iotpipeline.analytics;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.ingest.ReadingRules;

/**
 * Classifies readings by event time, as Spark's {@code withWatermark} does: a stream's watermark is the newest
 * eventTime stored from it minus the allowed lateness, and a reading older than the watermark is <em>late</em> (stored,
 * flagged, counted). A reading further behind than the optional horizon, or further ahead of the pipeline clock than
 * the clock-skew tolerance, becomes a dead letter instead.
 * <p>
 * The stream is a Kafka partition: events are keyed by customer, so each customer's events keep their order in one
 * partition, and the result does not depend on how partitions interleave or move between consumers. Readings are
 * classified one by one in partition order, each against the newest eventTime before it; that is what makes the
 * classification independent of batch boundaries, and so identical after a restart, which resumes from the newest
 * eventTime the database holds for the partition.
 *
 * @param allowedLateness how far behind the newest eventTime a reading may be without being late
 * @param horizon         how far behind it a reading is still stored at all; null: no limit (replays of history load)
 * @param futureTolerance how far ahead of the pipeline clock an eventTime may be (device clock skew)
 */
public record LatenessPolicy(Duration allowedLateness, Duration horizon, Duration futureTolerance) {

    public LatenessPolicy {
        if (allowedLateness.isNegative() || futureTolerance.isNegative()) {
            throw new IllegalArgumentException("lateness durations cannot be negative");
        }
        if (horizon != null && horizon.compareTo(allowedLateness) < 0) {
            throw new IllegalArgumentException("the lateness horizon (" + horizon.toSeconds()
                    + " s) must not be shorter than the allowed lateness (" + allowedLateness.toSeconds() + " s)");
        }
    }

    /** A Kafka partition: the stream a watermark belongs to. */
    public record Stream(String topic, int partition) {
    }

    /** The outcome for a batch: readings to store (late ones flagged) and readings refused. */
    public record Classified(List<DeviceReading> readings, List<DeadLetter> deadLetters, int late) {
    }

    /**
     * Classifies a batch in arrival order.
     *
     * @param newestEventTimes the newest stored eventTime per stream; updated as the batch advances it
     * @param now              the pipeline clock, in UTC
     */
    public Classified classify(List<DeviceReading> batch, Map<Stream, LocalDateTime> newestEventTimes,
            LocalDateTime now) {
        List<DeviceReading> readings = new ArrayList<>(batch.size());
        List<DeadLetter> deadLetters = new ArrayList<>();
        int late = 0;
        LocalDateTime latestAllowed = now.plus(futureTolerance);
        Stream stream = null;
        LocalDateTime newest = null;
        LocalDateTime lateBefore = null;
        for (DeviceReading reading : batch) {
            // a batch is mostly runs of one partition's readings: the stream's newest time is looked up when it changes
            if (stream == null || stream.partition() != reading.source().partition()
                    || !stream.topic().equals(reading.source().topic())) {
                stream = new Stream(reading.source().topic(), reading.source().partition());
                newest = newestEventTimes.get(stream);
                lateBefore = newest == null ? null : newest.minus(allowedLateness);
            }
            LocalDateTime eventTime = reading.eventTime();
            if (eventTime.isAfter(latestAllowed)) {
                deadLetters.add(DeadLetter.ofRejectedReading(reading, "eventTime " + text(eventTime) + " is "
                        + Duration.between(now, eventTime).toSeconds() + " s ahead of the pipeline clock, more than the "
                        + futureTolerance.toSeconds() + " s allowed for clock skew (lateness.futureToleranceSeconds)"));
                continue;
            }
            if (newest != null && horizon != null && eventTime.isBefore(newest.minus(horizon))) {
                deadLetters.add(DeadLetter.ofRejectedReading(reading, "eventTime " + text(eventTime) + " is "
                        + Duration.between(eventTime, newest).toSeconds() + " s behind the newest eventTime "
                        + text(newest)
                        + " of its stream, beyond the lateness horizon of " + horizon.toSeconds()
                        + " s (lateness.horizonSeconds)"));
                continue;
            }
            boolean isLate = lateBefore != null && eventTime.isBefore(lateBefore);
            if (isLate) {
                late++;
            }
            readings.add(reading.withLate(isLate));
            if (newest == null || eventTime.isAfter(newest)) {
                newest = eventTime;
                lateBefore = newest.minus(allowedLateness);
                newestEventTimes.put(stream, eventTime);
            }
        }
        return new Classified(readings, deadLetters, late);
    }

    private static String text(LocalDateTime time) {
        return ReadingRules.EVENT_TIME_WRITTEN.format(time);
    }
}

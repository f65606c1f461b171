package io.iotpipeline.ingest;

import java.time.Duration;
import java.time.LocalDateTime;

/**
 * The event times a device may post ({@code lateness.futureToleranceSeconds}, {@code lateness.horizonSeconds}): the
 * consumer dead-letters a reading further ahead of its clock than the tolerance, or further behind its stream's newest
 * eventTime than the horizon. A poster is refused the same readings up front, so that 202 means stored: the future
 * check is the consumer's own (its clock only moves on); for the horizon the newest eventTime a stream can have, the
 * clock plus the tolerance, stands in for the stream's, which the poster cannot know.
 *
 * @param horizon null: no horizon
 */
public record EventTimeWindow(Duration futureTolerance, Duration horizon) {

    /** Why the consumer would refuse a reading of this eventTime, or null. */
    public String problem(LocalDateTime eventTime, LocalDateTime now) {
        LocalDateTime latest = now.plus(futureTolerance);
        if (eventTime.isAfter(latest)) {
            return "eventTime " + ReadingRules.EVENT_TIME_WRITTEN.format(eventTime) + " is "
                    + Duration.between(now, eventTime).toSeconds() + " s ahead of the pipeline clock, more than the "
                    + futureTolerance.toSeconds() + " s allowed for clock skew (lateness.futureToleranceSeconds)";
        }
        if (horizon != null && eventTime.isBefore(latest.minus(horizon))) {
            return "eventTime " + ReadingRules.EVENT_TIME_WRITTEN.format(eventTime) + " is "
                    + Duration.between(eventTime, now).toSeconds() + " s old, beyond the lateness horizon of "
                    + horizon.toSeconds() + " s (lateness.horizonSeconds)";
        }
        return null;
    }
}

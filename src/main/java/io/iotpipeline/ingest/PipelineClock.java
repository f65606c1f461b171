package io.iotpipeline.ingest;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The pipeline clock, bound as "clock" (tests bind one they can move before the start): what lateness, device health
 * and posted event times use.
 */
public final class PipelineClock {

    private PipelineClock() {
    }

    /** Now on the pipeline clock, in UTC, as eventTimes are. */
    public static LocalDateTime nowUtc(Clock clock) {
        return LocalDateTime.now(clock.withZone(ZoneOffset.UTC));
    }
}

package io.iotpipeline.ingest;

import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

import org.apache.camel.Exchange;

/** The pipeline clock, bound as "clock" (tests bind one they can move): what lateness and posted event times use. */
public final class PipelineClock {

    private PipelineClock() {
    }

    public static Clock of(Exchange exchange) {
        Clock clock = exchange.getContext().getRegistry().lookupByNameAndType("clock", Clock.class);
        return clock == null ? Clock.systemUTC() : clock;
    }

    /** Now on the pipeline clock, in UTC, as eventTimes are. */
    public static LocalDateTime nowUtc(Exchange exchange) {
        return LocalDateTime.now(of(exchange).withZone(ZoneOffset.UTC));
    }
}

package io.iotpipeline.analytics;

import java.time.Clock;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.iotpipeline.ingest.PipelineClock;
import io.iotpipeline.ingest.ReadingRules;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.ops.StepCounts;
import org.apache.camel.Exchange;

/**
 * The step of the classify-lateness route (bean {@code batchLateness}): a batch's readings classified by event time
 * against the watermarks of their partitions ({@link LatenessPolicy}); too late or too far ahead become dead letters.
 */
public final class BatchLateness {

    /** Exchange variables: the batch's readings going in, and the readings that became dead letters. */
    public static final String READINGS = "batch";
    public static final String DEAD_LETTERS = "tooLateOrEarly";

    private final LatenessPolicy policy;
    private final Clock clock;
    private final StepCounts counts;
    private final PipelineCounters totals;

    public BatchLateness(LatenessPolicy policy, Clock clock, StepCounts counts, PipelineCounters totals) {
        this.policy = policy;
        this.clock = clock;
        this.counts = counts;
        this.totals = totals;
    }

    /** The body is the stream_watermarks rows; the answer the readings to store, late ones flagged. */
    public List<?> classify(Exchange batch) {
        LatenessPolicy.Classified classified = policy.classify(batch.getVariable(READINGS, List.class),
                watermarks(batch.getMessage().getBody(List.class)),
                PipelineClock.nowUtc(clock));
        batch.setVariable(DEAD_LETTERS, classified.deadLetters());
        totals.lateReadings(classified.late());
        StepCounts.Step step = counts.of(batch.getFromRouteId(), "flag-late-readings", "readings", "late");
        step.counted(classified.readings().size(), classified.deadLetters());
        step.noted(classified.late());
        return classified.readings();
    }

    static Map<LatenessPolicy.Stream, LocalDateTime> watermarks(List<Map<String, Object>> rows) {
        Map<LatenessPolicy.Stream, LocalDateTime> newest = new HashMap<>();
        for (Map<String, Object> row : rows) {
            newest.put(new LatenessPolicy.Stream((String) row.get("topic"), ((Number) row.get("partition")).intValue()),
                    LocalDateTime.parse((String) row.get("maxEventTime"), ReadingRules.EVENT_TIME));
        }
        return newest;
    }
}

package io.iotpipeline.analytics;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import io.iotpipeline.domain.DeviceStateChange;
import io.iotpipeline.ops.PipelineCounters;

/**
 * The steps of the device health watch (bean {@code deviceHealthWatch}): when a device counts as silent on the pipeline
 * clock, and the state changes the database took, counted and as the operator's log lines.
 */
public final class DeviceHealthWatch {

    private final Duration silentAfter;
    private final Clock clock;
    private final PipelineCounters totals;

    public DeviceHealthWatch(Duration silentAfter, Clock clock, PipelineCounters totals) {
        this.silentAfter = silentAfter;
        this.clock = clock;
        this.totals = totals;
    }

    /** The parameters of mark-silent-devices.sql: devices not seen since then are SILENT. */
    public Map<String, Object> silenceThreshold() {
        return Map.of("silentBefore", OffsetDateTime.now(clock.withZone(ZoneOffset.UTC)).minus(silentAfter),
                "thresholdSeconds", silentAfter.toSeconds());
    }

    /** The rows of take-state-changes.sql, counted, as one log line per change (new devices on one line). */
    public List<String> stateChanges(List<Map<String, Object>> rows) {
        List<DeviceStateChange> changes = rows.stream().map(DeviceStateChange::of).toList();
        totals.deviceStateChanges(changes);
        return DeviceStateChange.logLines(changes);
    }
}

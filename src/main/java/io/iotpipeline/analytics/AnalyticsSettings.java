package io.iotpipeline.analytics;

import java.time.Duration;

import io.iotpipeline.settings.Settings;

/**
 * Late data and device health: {@code lateness.*}, {@code health.*}, {@code metrics.windowSeconds}.
 *
 * @param silentAfter how long a device may stay unheard before it counts as SILENT
 * @param maxOffsetJump how far an eventOffset may lie outside its stream's known range (0: no limit)
 */
public record AnalyticsSettings(LatenessPolicy lateness, Duration silentAfter, long healthCheckIntervalMs,
        int windowSeconds, long maxOffsetJump) {

    public static AnalyticsSettings from(Settings settings) {
        Duration horizon = settings.seconds("lateness.horizonSeconds");
        return new AnalyticsSettings(new LatenessPolicy(settings.seconds("lateness.allowedSeconds"),
                horizon.isZero() ? null : horizon, settings.seconds("lateness.futureToleranceSeconds")),
                settings.seconds("health.silentAfterSeconds"), settings.positiveLong("health.checkIntervalMs"),
                settings.positiveInt("metrics.windowSeconds"), settings.nonNegativeLong("streams.maxOffsetJump"));
    }
}

package io.iotpipeline.anomaly;

import io.iotpipeline.settings.Settings;

/**
 * Anomaly detection: on or off ({@code anomaly.enabled}), the detectors, and how their state is rebuilt from the
 * stored readings at start ({@code anomaly.rebuild.*}).
 */
public record DetectionSettings(boolean enabled, DetectorSettings detectors, int rebuildReadingsPerDevice,
        int rebuildHours, long alertsPollMs) {

    public static DetectionSettings from(Settings settings) {
        return new DetectionSettings(settings.flag("anomaly.enabled"), DetectorSettings.from(settings),
                settings.nonNegativeInt("anomaly.rebuild.readingsPerDevice"),
                settings.nonNegativeInt("anomaly.rebuild.hours"), settings.positiveLong("anomaly.alerts.pollMs"));
    }
}

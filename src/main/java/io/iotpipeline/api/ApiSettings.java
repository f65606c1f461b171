package io.iotpipeline.api;

import io.iotpipeline.settings.Settings;

/** The REST API: {@code api.maxRows}, the most rows any list answers with. */
public record ApiSettings(int maxRows) {

    public static ApiSettings from(Settings settings) {
        return new ApiSettings(settings.positiveInt("api.maxRows"));
    }
}

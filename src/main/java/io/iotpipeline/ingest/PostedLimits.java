package io.iotpipeline.ingest;

import org.apache.camel.CamelContext;

/** The limits of events devices post over HTTP (and MQTT): {@code ingest.http.*}, read once when the routes are built. */
public record PostedLimits(int maxBodyBytes, int maxEventsPerRequest, int maxEventBytes) {

    public static PostedLimits of(CamelContext context) {
        java.util.function.ToIntFunction<String> property = key ->
                Integer.parseInt(context.resolvePropertyPlaceholders("{{" + key + "}}").trim());
        return new PostedLimits(property.applyAsInt("ingest.http.maxBodyBytes"),
                property.applyAsInt("ingest.http.maxEventsPerRequest"), property.applyAsInt("ingest.http.maxEventBytes"));
    }
}

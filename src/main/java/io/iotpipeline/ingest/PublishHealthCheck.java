package io.iotpipeline.ingest;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of event intake: DOWN while publishing to Kafka fails ({@link PublishFailures}), so that POST /api/events
 * is not routed to an instance that can only answer 503. Not a liveness check: the producers retry by themselves.
 */
public class PublishHealthCheck extends AbstractHealthCheck {

    private final PublishFailures publishes;

    public PublishHealthCheck(PublishFailures publishes) {
        super("iot-pipeline", "kafka-publish");
        this.publishes = publishes;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        PublishFailures.Failing failing = publishes.failing();
        if (failing == null) {
            builder.up();
        } else {
            builder.message("Kafka refuses the events published since " + failing.since() + ": " + failing.reason())
                    .down();
        }
    }
}

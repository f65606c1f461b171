package io.iotpipeline.routes;

import io.iotpipeline.ingest.KafkaEndpoints;
import io.iotpipeline.ingest.PublishFailures;
import org.apache.camel.builder.RouteBuilder;

/** Simulate stage: the device fleet publishes its events to Kafka, keyed by customer. */
public class SimulateRoute extends RouteBuilder {

    @Override
    public void configure() {
        PublishFailures.of(getContext());
        // a failed send still ends in Camel's error log; readiness goes DOWN until a send succeeds again
        onException(Exception.class).id("when-kafka-refuses-events")
                .bean("publishFailures", "failed(*)").id("note-publish-failure");
        from("timer:simulator?period={{simulator.tickMs}}").routeId("simulate").autoStartup("{{simulator.enabled}}")
                .setBody(method("deviceSimulator", "tick")).id("simulate-events")
                .transform(method("eventRecords", "records")).id("simulated-events-as-records")
                // a list body is sent as one record per element, all in flight together, acknowledged by all replicas
                .to(KafkaEndpoints.PUBLISH_EVENTS).id("publish-events")
                .bean("eventRecords", "countPublished").id("count-published-events")
                .bean("publishFailures", "succeeded").id("note-publish-success");
    }
}

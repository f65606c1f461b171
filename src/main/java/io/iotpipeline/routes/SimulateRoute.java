package io.iotpipeline.routes;

import io.iotpipeline.ingest.EventRecords;
import io.iotpipeline.ingest.KafkaEndpoints;
import org.apache.camel.builder.RouteBuilder;

/** Simulate stage: the device fleet publishes its events to Kafka, keyed by customer. */
public class SimulateRoute extends RouteBuilder {

    @Override
    public void configure() {
        bindToRegistry("eventRecords", new EventRecords());
        from("timer:simulator?period={{simulator.tickMs}}").routeId("simulate").autoStartup("{{simulator.enabled}}")
                .setBody(method("deviceSimulator", "tick")).id("simulate-events")
                .transform(method("eventRecords", "ofSimulated")).id("simulated-events-as-records")
                // a list body is sent as one record per element, all in flight together, acknowledged by all replicas
                .to(KafkaEndpoints.PUBLISH_EVENTS).id("publish-events")
                .bean("eventRecords", "countPublished").id("count-published-events");
    }
}

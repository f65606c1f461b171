package io.iotpipeline.routes;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;

/** Simulate stage: the device fleet publishes its events to Kafka, keyed by customer. */
public class SimulateRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:simulator?period={{simulator.tickMs}}").routeId("simulate").autoStartup("{{simulator.enabled}}")
                .setBody(method("deviceSimulator", "tick"))
                .split(body())
                    .setHeader(KafkaConstants.KEY, simple("${body.customerId}"))
                    .setBody(simple("${body.json}"))
                    .to("kafka:{{kafka.topic}}?requestRequiredAcks=all&enableIdempotence=true&lingerMs={{kafka.producer.lingerMs}}")
                .end()
                .process(exchange -> StoreRoute.counters(exchange)
                        .eventsPublished(exchange.getMessage().getBody(java.util.List.class).size()));
    }
}

package io.iotpipeline.routes;

import java.util.List;

import io.iotpipeline.simulator.DeviceSimulator.SimulatedEvent;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/** Simulate stage: the device fleet publishes its events to Kafka, keyed by customer. */
public class SimulateRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("timer:simulator?period={{simulator.tickMs}}").routeId("simulate").autoStartup("{{simulator.enabled}}")
                .setBody(method("deviceSimulator", "tick"))
                .process(SimulateRoute::keyedByCustomer)
                // a list body is sent as one record per element, all in flight together, acknowledged by all replicas
                .to(KafkaEndpoints.PUBLISH_EVENTS)
                        .id("publish-events")
                .process(exchange -> PipelineCounters.of(exchange)
                        .eventsPublished(exchange.getMessage().getBody(List.class).size()));
    }

    /** One Kafka record per event: the event JSON as value, its customerId as key. */
    static void keyedByCustomer(Exchange exchange) {
        List<?> events = exchange.getMessage().getBody(List.class);
        List<Message> records = new java.util.ArrayList<>(events.size());
        for (Object item : events) {
            SimulatedEvent event = (SimulatedEvent) item;
            Message record = new DefaultMessage(exchange.getContext());
            record.setHeader(KafkaConstants.KEY, event.customerId());
            record.setBody(event.json());
            records.add(record);
        }
        exchange.getMessage().setBody(records);
    }
}

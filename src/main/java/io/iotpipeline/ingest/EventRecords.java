package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.simulator.DeviceSimulator.SimulatedEvent;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Events as the Kafka records the pipeline publishes (bean {@code eventRecords}): the event JSON as value, its
 * customerId as key, whoever produced them (the simulator, POST /api/events, MQTT).
 */
public final class EventRecords {

    /** The simulator's events of one tick (the body). */
    public List<Message> ofSimulated(Exchange exchange) {
        List<?> events = exchange.getMessage().getBody(List.class);
        List<Message> records = new ArrayList<>(events.size());
        for (Object item : events) {
            SimulatedEvent event = (SimulatedEvent) item;
            records.add(record(exchange, event.customerId(), event.json()));
        }
        return records;
    }

    /** Events accepted from a device (POST /api/events, MQTT). */
    public static List<Message> ofAccepted(Exchange exchange, List<?> accepted) {
        List<Message> records = new ArrayList<>(accepted.size());
        for (Object item : accepted) {
            PostedEvents.Accepted event = (PostedEvents.Accepted) item;
            records.add(record(exchange, event.customerId(), event.json()));
        }
        return records;
    }

    /** Counts the records just published (the body). */
    public void countPublished(Exchange exchange) {
        PipelineCounters.of(exchange).eventsPublished(exchange.getMessage().getBody(List.class).size());
    }

    private static Message record(Exchange exchange, String customerId, String json) {
        Message record = new DefaultMessage(exchange.getContext());
        record.setHeader(KafkaConstants.KEY, customerId);
        record.setBody(json);
        return record;
    }
}

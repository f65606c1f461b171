package io.iotpipeline.ingest;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.domain.EventToPublish;
import io.iotpipeline.ops.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Events as the Kafka records the pipeline publishes (bean {@code eventRecords}): the event JSON as value, its
 * customerId as key, whoever produced them (the simulator, POST /api/events, MQTT).
 */
public final class EventRecords {

    private final PipelineCounters totals;

    public EventRecords(PipelineCounters totals) {
        this.totals = totals;
    }

    /** Events to publish (the body), from the simulator. */
    public List<Message> records(Exchange exchange) {
        return of(exchange, exchange.getMessage().getBody(List.class));
    }

    /** Events accepted from a device (POST /api/events, MQTT), or the simulator's. */
    public static List<Message> of(Exchange exchange, List<?> events) {
        List<Message> records = new ArrayList<>(events.size());
        for (Object item : events) {
            EventToPublish event = (EventToPublish) item;
            records.add(record(exchange, event.customerId(), event.json()));
        }
        return records;
    }

    /** Counts the records just published (the body). */
    public void countPublished(Exchange exchange) {
        totals.eventsPublished(exchange.getMessage().getBody(List.class).size());
    }

    private static Message record(Exchange exchange, String customerId, String json) {
        Message record = new DefaultMessage(exchange.getContext());
        record.setHeader(KafkaConstants.KEY, customerId);
        record.setBody(json);
        return record;
    }
}

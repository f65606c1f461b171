package io.iotpipeline.routes;

import java.util.ArrayList;
import java.util.List;

import io.iotpipeline.domain.DeviceReading;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Gathers the accepted readings of a split into one list: the devices of an event, then the events of a Kafka batch.
 * Dead letters are already stored by then and are skipped; a failure is passed up so the batch is never committed.
 */
public class ReadingCollector implements AggregationStrategy {

    @Override
    @SuppressWarnings("unchecked")
    public Exchange aggregate(Exchange collected, Exchange next) {
        Exchange target = collected == null ? next : collected;
        List<DeviceReading> readings = collected == null
                ? new ArrayList<>() : collected.getMessage().getBody(List.class);
        if (next.getException() != null) {
            target.setException(next.getException());
        }
        Object body = next.getMessage().getBody();
        if (body instanceof DeviceReading reading) {
            readings.add(reading);
        } else if (body instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof DeviceReading reading) {
                    readings.add(reading);
                }
            }
        }
        target.getMessage().setBody(readings);
        return target;
    }
}

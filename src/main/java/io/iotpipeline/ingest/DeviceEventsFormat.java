package io.iotpipeline.ingest;

import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;

import io.iotpipeline.ops.StepCounts;
import org.apache.camel.Exchange;
import org.apache.camel.spi.DataFormat;
import org.apache.camel.spi.DataFormatName;
import org.apache.camel.support.service.ServiceSupport;

/**
 * The data format {@value #NAME}: unmarshals a consumed Kafka batch (its records, as {@code remember-offsets} leaves
 * them) into the batch's events ({@link ReadEvent.Batch}), each record read once ({@link EventReader#events}); a
 * record that is no valid event is kept as a dead letter with the reason. The pipeline only reads events: it writes
 * them as the JSON they came as.
 */
public final class DeviceEventsFormat extends ServiceSupport implements DataFormat, DataFormatName {

    public static final String NAME = "deviceEvents";

    private final EventReader reader;
    private final StepCounts counts;

    public DeviceEventsFormat(EventReader reader, StepCounts counts) {
        this.reader = reader;
        this.counts = counts;
    }

    @Override
    public String getDataFormatName() {
        return NAME;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Object unmarshal(Exchange batch, Object records) {
        ReadEvent.Batch events = reader.events((List<EventReader.Record>) records);
        counts.of(batch.getFromRouteId(), "unmarshal-events", "events", null)
                .counted(events.events().size(), events.unreadable());
        return events;
    }

    @Override
    public Object unmarshal(Exchange batch, InputStream stream) {
        throw new UnsupportedOperationException(NAME + " unmarshals a Kafka batch's records, not a stream");
    }

    @Override
    public void marshal(Exchange exchange, Object graph, OutputStream stream) {
        throw new UnsupportedOperationException(NAME + " only reads device events");
    }
}

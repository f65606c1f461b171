package io.iotpipeline.domain;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.format.DateTimeFormatter;
import java.util.List;

import com.fasterxml.jackson.core.JsonGenerator;

/**
 * A batch of readings as one JSON array of {@code iot_device_events} rows (keys are the column names as PostgreSQL
 * folds them), for a single {@code INSERT ... SELECT FROM json_populate_recordset(...)}. One statement per batch
 * instead of pgjdbc's rewritten statements of at most 128 rows: the analytics trigger then runs once per batch, which
 * triples the rows per second the database can take.
 */
public final class ReadingRows {

    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

    private ReadingRows() {
    }

    public static String json(List<DeviceReading> readings) {
        StringWriter text = new StringWriter(readings.size() * 400);
        try (JsonGenerator json = EventJson.MAPPER.getFactory().createGenerator(text)) {
            json.writeStartArray();
            for (DeviceReading r : readings) {
                json.writeStartObject();
                json.writeStringField("eventid", r.eventId().toString());
                json.writeStringField("customerid", r.customerId());
                json.writeNumberField("eventoffset", r.eventOffset());
                json.writeStringField("eventpublisher", r.eventPublisher());
                json.writeStringField("eventtime", TIMESTAMP.format(r.eventTime()));
                json.writeStringField("deviceid", r.deviceId());
                json.writeStringField("measure", r.measure());
                json.writeStringField("status", r.status());
                json.writeNumberField("temperature", r.temperature());
                json.writeNumberField("temperaturecelsius", r.temperatureCelsius());
                json.writeBooleanField("late", r.late());
                if (r.extraFields() != null) {
                    json.writeFieldName("extrafields");
                    json.writeRawValue(r.extraFields());
                }
                json.writeStringField("kafkatopic", r.source().topic());
                json.writeNumberField("kafkapartition", r.source().partition());
                json.writeNumberField("kafkaoffset", r.source().offset());
                if (r.source().timestamp() >= 0) {
                    json.writeStringField("kafkatimestamp", java.time.Instant.ofEpochMilli(r.source().timestamp()).toString());
                }
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}

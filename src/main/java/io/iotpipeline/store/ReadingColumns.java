package io.iotpipeline.store;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.node.ArrayNode;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.Measurement;

/**
 * A batch of readings as the parameters of {@code store_readings} (sql/R__reading_analytics.sql): one typed array per
 * column, in the function's order, so the database reads each value once as what it is instead of parsing JSON text,
 * and one statement stores the batch with its analytics.
 * <p>
 * {@code firstOfEvent} marks the one reading that counts its event in {@code event_streams}: the first reading of
 * each event (eventId and eventTime) in the batch that the database does not reject. Which reading that is depends
 * only on the batch's content, so a redelivered batch marks the same reading, which is then not inserted again.
 * {@code anomalies} are the detectors' findings for the batch, as JSON rows of {@code device_anomalies}: the function
 * stores those whose reading it inserted, and {@code measurements} the readings' values beyond temperature the same way.
 */
public final class ReadingColumns {

    /** Timestamps as store_readings takes them, to the microsecond PostgreSQL keeps. */
    public static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

    private ReadingColumns() {
    }

    /** The readings, the first of each event marked, and the findings for them. */
    public static List<Object> of(List<DeviceReading> readings, String anomalies) {
        Set<EventKey> events = new HashSet<>();
        boolean[] first = new boolean[readings.size()];
        for (int i = 0; i < first.length; i++) {
            first[i] = events.add(eventKey(readings.get(i)));
        }
        return of(readings, first, anomalies);
    }

    /** One reading, marked as its event's first or not, and the findings for it. */
    public static List<Object> of(DeviceReading reading, boolean firstOfEvent, String anomalies) {
        return of(List.of(reading), new boolean[] {firstOfEvent}, anomalies);
    }

    /** The event a reading belongs to: a re-send with another eventTime is another event. */
    public record EventKey(java.util.UUID eventId, java.time.LocalDateTime eventTime) {
    }

    public static EventKey eventKey(DeviceReading reading) {
        return new EventKey(reading.eventId(), reading.eventTime());
    }

    private static List<Object> of(List<DeviceReading> readings, boolean[] firstOfEvent, String anomalies) {
        int n = readings.size();
        UUID[] eventIds = new UUID[n];
        String[] customerIds = new String[n];
        long[] eventOffsets = new long[n];
        String[] publishers = new String[n];
        LocalDateTime[] eventTimes = new LocalDateTime[n];
        String[] deviceIds = new String[n];
        String[] measures = new String[n];
        String[] statuses = new String[n];
        double[] temperatures = new double[n];
        double[] celsius = new double[n];
        boolean[] late = new boolean[n];
        String[] extraFields = new String[n];
        String[] topics = new String[n];
        int[] partitions = new int[n];
        long[] offsets = new long[n];
        long[] kafkaTimestamps = new long[n];
        for (int i = 0; i < n; i++) {
            DeviceReading r = readings.get(i);
            eventIds[i] = r.eventId();
            customerIds[i] = r.customerId();
            eventOffsets[i] = r.eventOffset();
            publishers[i] = r.eventPublisher();
            eventTimes[i] = r.eventTime();
            deviceIds[i] = r.deviceId();
            measures[i] = r.measure();
            statuses[i] = r.status();
            temperatures[i] = r.temperature();
            celsius[i] = r.temperatureCelsius();
            late[i] = r.late();
            extraFields[i] = r.extraFields();
            topics[i] = r.source().topic();
            partitions[i] = r.source().partition();
            offsets[i] = r.source().offset();
            kafkaTimestamps[i] = r.source().timestamp();
        }
        List<Object> columns = new ArrayList<>(19);
        columns.add(BinaryArray.uuids(eventIds));
        columns.add(BinaryArray.texts(customerIds));
        columns.add(eventOffsets);
        columns.add(BinaryArray.texts(publishers));
        columns.add(BinaryArray.timestamps(eventTimes));
        columns.add(BinaryArray.texts(deviceIds));
        columns.add(BinaryArray.texts(measures));
        columns.add(BinaryArray.texts(statuses));
        columns.add(temperatures);
        columns.add(celsius);
        columns.add(late);
        columns.add(extraFields);
        columns.add(BinaryArray.texts(topics));
        columns.add(partitions);
        columns.add(offsets);
        columns.add(BinaryArray.epochMillis(kafkaTimestamps));
        columns.add(firstOfEvent);
        columns.add(anomalies == null ? "[]" : anomalies);
        columns.add(measurements(readings));
        return columns;
    }

    /**
     * The readings' measurements beyond temperature as JSON rows, each with its reading's place in the batch (1-based,
     * store_readings takes the reading's ids from there); "[]" when none has any.
     */
    static String measurements(List<DeviceReading> readings) {
        ArrayNode rows = null;
        for (int i = 0; i < readings.size(); i++) {
            DeviceReading reading = readings.get(i);
            for (Measurement measurement : reading.measurements()) {
                if (rows == null) {
                    rows = EventJson.MAPPER.createArrayNode();
                }
                // lower-case keys: jsonb_to_recordset matches them to the function's (folded) column names
                // position: the reading's place in the batch, so only the send that claimed the reading stores its values
                rows.addObject().put("position", i + 1).put("measurement", measurement.name())
                        .put("value", measurement.value()).put("unit", measurement.unit())
                        .put("sentvalue", measurement.sentValue()).put("sentunit", measurement.sentUnit());
            }
        }
        return rows == null ? "[]" : rows.toString();
    }
}

package io.iotpipeline.store;

import java.time.LocalDateTime;
import java.util.List;
import java.util.UUID;

import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.Measurement;
import io.iotpipeline.domain.SourceRecord;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadingColumnsTest {

    static final LocalDateTime TIME = LocalDateTime.of(2023, 1, 5, 11, 13, 53, 643_364_000);

    static DeviceReading reading(UUID eventId, String deviceId, LocalDateTime time, long timestamp) {
        return new DeviceReading(eventId, "CI00103", 10001, "device", time, deviceId, "F", "ERROR", 59.0, 15.0,
                "{\"humidity\":40}", new SourceRecord("device_stream", 2, 41, "CI00103", "{}", timestamp), true);
    }

    @Test
    void aBatchIsOneTypedArrayPerColumnInTheFunctionsOrder() {
        UUID eventId = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        List<Object> columns = ReadingColumns.of(List.of(reading(eventId, "D001", TIME, 1672917233700L)), null);
        assertEquals(19, columns.size());
        assertEquals("[]", columns.get(17), "no findings");
        assertEquals("[]", columns.get(18), "no measurements beyond temperature");
        assertArray("uuid[]", "{\"e3cb26d3-41b2-49a2-84f3-0156ed8d7502\"}", columns.get(0));
        assertArray("text[]", "{\"CI00103\"}", columns.get(1));
        assertArrayEquals(new long[] {10001}, (long[]) columns.get(2));
        assertArray("timestamp[]", "{\"2023-01-05T11:13:53.643364\"}", columns.get(4));
        assertArray("text[]", "{\"D001\"}", columns.get(5));
        assertArrayEquals(new double[] {59.0}, (double[]) columns.get(8));
        assertArrayEquals(new double[] {15.0}, (double[]) columns.get(9));
        assertArrayEquals(new boolean[] {true}, (boolean[]) columns.get(10));
        assertArrayEquals(new String[] {"{\"humidity\":40}"}, (String[]) columns.get(11));
        assertArrayEquals(new int[] {2}, (int[]) columns.get(13));
        assertArrayEquals(new long[] {41}, (long[]) columns.get(14));
        assertArray("timestamptz[]", "{\"2023-01-05T11:13:53.700000Z\"}", columns.get(15));
        assertArray("timestamptz[]", "{NULL}", ReadingColumns.of(List.of(reading(eventId, "D001", TIME, -1)), null).get(15));
    }

    static void assertArray(String type, String text, Object column) {
        BinaryArray array = (BinaryArray) column;
        assertEquals(type, array.getType());
        assertEquals(text, array.getValue());
    }

    @Test
    void measurementsBeyondTemperatureAreRowsOfTheirReading() {
        UUID eventId = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        DeviceReading plain = reading(eventId, "D001", TIME, 1);
        DeviceReading station = new DeviceReading(eventId, "CI00103", 10001, "device", TIME, "W01", "C", "SUCCESS",
                21.5, 21.5, null, List.of(new Measurement("humidity", 48.2, "%", 48.2, "%"),
                        new Measurement("pressure", 1013.5, "hPa", 14.7, "psi")), plain.source(), false);
        assertEquals("[{\"position\":2,\"measurement\":\"humidity\",\"value\":48.2,\"unit\":\"%\","
                + "\"sentvalue\":48.2,\"sentunit\":\"%\"},{\"position\":2,\"measurement\":\"pressure\","
                + "\"value\":1013.5,\"unit\":\"hPa\",\"sentvalue\":14.7,\"sentunit\":\"psi\"}]",
                ReadingColumns.of(List.of(plain, station), null).get(18));
    }

    @Test
    void theFirstReadingOfEachEventCountsIt() {
        UUID one = UUID.randomUUID();
        UUID two = UUID.randomUUID();
        List<Object> columns = ReadingColumns.of(List.of(reading(one, "D001", TIME, 1), reading(one, "D002", TIME, 1),
                reading(two, "D001", TIME, 1), reading(one, "D001", TIME, 1), reading(one, "D001", TIME.plusSeconds(1), 1)), "[]");
        // the same event sent twice counts once; with another eventTime it is another event
        assertArrayEquals(new boolean[] {true, false, true, false, true}, (boolean[]) columns.get(16));
        assertArrayEquals(new boolean[] {false}, (boolean[]) ReadingColumns.of(reading(one, "D001", TIME, 1), false, "[]").get(16));
    }
}

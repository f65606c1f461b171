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
        assertArrayEquals(new String[] {"e3cb26d3-41b2-49a2-84f3-0156ed8d7502"}, (String[]) columns.get(0));
        assertArrayEquals(new String[] {"CI00103"}, (String[]) columns.get(1));
        assertArrayEquals(new long[] {10001}, (long[]) columns.get(2));
        assertArrayEquals(new String[] {"2023-01-05T11:13:53.643364"}, (String[]) columns.get(4));
        assertArrayEquals(new String[] {"D001"}, (String[]) columns.get(5));
        assertArrayEquals(new double[] {59.0}, (double[]) columns.get(8));
        assertArrayEquals(new double[] {15.0}, (double[]) columns.get(9));
        assertArrayEquals(new boolean[] {true}, (boolean[]) columns.get(10));
        assertArrayEquals(new String[] {"{\"humidity\":40}"}, (String[]) columns.get(11));
        assertArrayEquals(new int[] {2}, (int[]) columns.get(13));
        assertArrayEquals(new long[] {41}, (long[]) columns.get(14));
        assertArrayEquals(new String[] {"2023-01-05T11:13:53.700000Z"}, (String[]) columns.get(15));
        assertArrayEquals(new String[] {null},
                (String[]) ReadingColumns.of(List.of(reading(eventId, "D001", TIME, -1)), null).get(15));
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

    @Test
    void timestampsAreWrittenAsTheFormatterWritesThem() {
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 2000; i++) {
            LocalDateTime time = LocalDateTime.of(1900 + random.nextInt(8100), 1, 1, 0, 0)
                    .plusSeconds(random.nextInt(366 * 86_400)).withNano(random.nextInt(1_000_000) * 1_000);
            assertEquals(ReadingColumns.TIMESTAMP.format(time), ReadingColumns.timestamp(time));
        }
        LocalDateTime early = LocalDateTime.of(999, 1, 1, 0, 0);
        assertEquals(ReadingColumns.TIMESTAMP.format(early), ReadingColumns.timestamp(early));
    }

    @Test
    void kafkaTimestampsAreInstantsInUtc() {
        for (long ms : new long[] {0, 1, 999, 1_764_608_880_123L, 253_402_300_799_999L}) {
            assertEquals(java.time.Instant.ofEpochMilli(ms), java.time.Instant.parse(ReadingColumns.kafkaTimestamp(ms)));
        }
        assertEquals(null, ReadingColumns.kafkaTimestamp(-1));
    }
}

package io.iotpipeline.store;

import java.nio.ByteBuffer;
import java.time.LocalDateTime;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** PostgreSQL's binary array format, byte by byte (PipelineIT reads the same arrays back from PostgreSQL). */
class BinaryArrayTest {

    static ByteBuffer bytes(BinaryArray array) {
        byte[] bytes = new byte[array.lengthInBytes() + 2];
        array.toBytes(bytes, 2);
        return ByteBuffer.wrap(bytes, 2, array.lengthInBytes()).slice();
    }

    @Test
    void aHeaderOfOneDimensionThenEachElementsLengthAndBytes() {
        UUID id = UUID.fromString("e3cb26d3-41b2-49a2-84f3-0156ed8d7502");
        ByteBuffer out = bytes(BinaryArray.uuids(new UUID[] {id, null}));
        assertEquals(1, out.getInt(), "dimensions");
        assertEquals(1, out.getInt(), "has a NULL");
        assertEquals(2950, out.getInt(), "uuid");
        assertEquals(2, out.getInt(), "elements");
        assertEquals(1, out.getInt(), "lower bound");
        assertEquals(16, out.getInt());
        assertEquals(id.getMostSignificantBits(), out.getLong());
        assertEquals(id.getLeastSignificantBits(), out.getLong());
        assertEquals(-1, out.getInt(), "NULL");
        assertEquals(0, out.remaining());
    }

    @Test
    void timestampsCountMicrosecondsFrom2000() {
        ByteBuffer out = bytes(BinaryArray.timestamps(new LocalDateTime[] {LocalDateTime.of(2000, 1, 1, 0, 0, 0, 1_000),
                LocalDateTime.of(1999, 12, 31, 23, 59, 59)}));
        assertEquals(0, out.getInt(4), "no NULL");
        assertEquals(1114, out.getInt(8));
        out.position(20);
        assertEquals(8, out.getInt());
        assertEquals(1, out.getLong());
        assertEquals(8, out.getInt());
        assertEquals(-1_000_000, out.getLong());
        ByteBuffer utc = bytes(BinaryArray.epochMillis(new long[] {946_684_800_123L, -1}));
        assertEquals(1184, utc.getInt(8));
        utc.position(24);
        assertEquals(123_000, utc.getLong());
        assertEquals(-1, utc.getInt());
        // a Kafka timestamp whose microseconds a long cannot hold: out of PostgreSQL's range, not wrapped into it
        ByteBuffer far = bytes(BinaryArray.epochMillis(new long[] {Long.MAX_VALUE / 1_000L + 1, Long.MAX_VALUE}));
        far.position(20);
        assertEquals(8, far.getInt());
        assertEquals(Long.MAX_VALUE - 1, far.getLong());
        assertEquals(8, far.getInt());
        assertEquals(Long.MAX_VALUE - 1, far.getLong());
    }

    @Test
    void asTextKafkaTimestampsAreInstantsInUtc() {
        for (long ms : new long[] {0, 1, 999, 1_764_608_880_123L, 253_402_300_799_999L}) {
            String text = BinaryArray.epochMillis(new long[] {ms}).getValue();
            assertEquals(java.time.Instant.ofEpochMilli(ms), java.time.Instant.parse(text.substring(2, text.length() - 2)));
        }
    }

    @Test
    void textIsUtf8AndAnEmptyArrayHasNoDimension() {
        ByteBuffer out = bytes(BinaryArray.texts(new String[] {"é", ""}));
        out.position(20);
        assertEquals(2, out.getInt());
        assertEquals((byte) 0xC3, out.get());
        assertEquals((byte) 0xA9, out.get());
        assertEquals(0, out.getInt());
        assertEquals(0, out.remaining());
        ByteBuffer empty = bytes(BinaryArray.texts(new String[0]));
        assertArrayEquals(new int[] {0, 0, 25}, new int[] {empty.getInt(), empty.getInt(), empty.getInt()});
        assertEquals(0, empty.remaining());
        assertEquals("{\"a \\\"b\\\" \\\\\",NULL}", BinaryArray.texts(new String[] {"a \"b\" \\", null}).getValue());
    }
}

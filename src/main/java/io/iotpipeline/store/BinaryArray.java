package io.iotpipeline.store;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Function;

import org.postgresql.util.PGBinaryObject;
import org.postgresql.util.PGobject;

/**
 * A one-dimensional array parameter in PostgreSQL's binary format (array_recv): the database takes each uuid and
 * timestamp as its 16 or 8 bytes instead of parsing its text, and the driver copies one prepared buffer instead of
 * encoding the array element by element (measured: PostgreSQL parsed a uuid in 0.8 and a timestamp in 0.43 us, and
 * the driver's element-by-element encoding was a fifth of the app's JFR samples; bench/README.md, session 14). The
 * driver sends it in binary when binary transfer is on for its type (the pool enables uuid[], timestamp[] and
 * timestamptz[], {@link Database}); otherwise it sends {@link #getValue()}, the same array as text.
 */
public final class BinaryArray extends PGobject implements PGBinaryObject {

    private static final int UUID_OID = 2950;
    private static final int TIMESTAMP_OID = 1114;
    private static final int TIMESTAMPTZ_OID = 1184;
    private static final int TEXT_OID = 25;
    /** PostgreSQL's timestamps count microseconds from 2000-01-01 00:00. */
    private static final long POSTGRES_EPOCH_MICROS =
            LocalDateTime.of(2000, 1, 1, 0, 0).toEpochSecond(ZoneOffset.UTC) * 1_000_000L;

    private final byte[] bytes;
    private final Object[] elements;
    private final Function<Object, String> text;

    private BinaryArray(String type, byte[] bytes, Object[] elements, Function<Object, String> text) {
        this.type = type;
        this.bytes = bytes;
        this.elements = elements;
        this.text = text;
    }

    /** uuid[]: each element 16 bytes, most significant first. */
    public static BinaryArray uuids(UUID[] values) {
        Writer out = new Writer(values, UUID_OID, 16);
        for (UUID value : values) {
            if (out.element(value, 16)) {
                out.putLong(value.getMostSignificantBits());
                out.putLong(value.getLeastSignificantBits());
            }
        }
        return new BinaryArray("uuid[]", out.bytes, values, Object::toString);
    }

    /** timestamp[]: each element the microseconds from 2000-01-01 00:00 (a LocalDateTime's own clock). */
    public static BinaryArray timestamps(LocalDateTime[] values) {
        Writer out = new Writer(values, TIMESTAMP_OID, 8);
        for (LocalDateTime value : values) {
            if (out.element(value, 8)) {
                out.putLong(value.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + value.getNano() / 1_000
                        - POSTGRES_EPOCH_MICROS);
            }
        }
        return new BinaryArray("timestamp[]", out.bytes, values, value -> ReadingColumns.TIMESTAMP.format(
                (LocalDateTime) value));
    }

    /** timestamptz[] from epoch milliseconds, a negative one (unknown) as NULL. */
    public static BinaryArray epochMillis(long[] values) {
        Long[] boxed = new Long[values.length];
        for (int i = 0; i < values.length; i++) {
            boxed[i] = values[i] < 0 ? null : values[i];
        }
        Writer out = new Writer(boxed, TIMESTAMPTZ_OID, 8);
        for (Long value : boxed) {
            if (out.element(value, 8)) {
                // beyond a long's microseconds: a value PostgreSQL refuses as out of range (not its infinity,
                // Long.MAX_VALUE), as it refuses any timestamp past its range, so the reading becomes a dead letter
                out.putLong(value > Long.MAX_VALUE / 1_000L ? Long.MAX_VALUE - 1
                        : value * 1_000L - POSTGRES_EPOCH_MICROS);
            }
        }
        return new BinaryArray("timestamptz[]", out.bytes, boxed, value -> ReadingColumns.TIMESTAMP.format(
                LocalDateTime.ofEpochSecond(Math.floorDiv((Long) value, 1000L),
                        (int) Math.floorMod((Long) value, 1000L) * 1_000_000, ZoneOffset.UTC)) + "Z");
    }

    /** text[]: each element its UTF-8 bytes. */
    public static BinaryArray texts(String[] values) {
        byte[][] encoded = new byte[values.length][];
        int size = 0;
        for (int i = 0; i < values.length; i++) {
            // the readings of an event share their strings: encoded once
            encoded[i] = values[i] == null ? null : i > 0 && values[i] == values[i - 1] ? encoded[i - 1]
                    : values[i].getBytes(StandardCharsets.UTF_8);
            size += encoded[i] == null ? 0 : encoded[i].length;
        }
        Writer out = new Writer(values, TEXT_OID, 0, size);
        for (byte[] value : encoded) {
            if (out.element(value, value == null ? 0 : value.length)) {
                System.arraycopy(value, 0, out.bytes, out.at, value.length);
                out.at += value.length;
            }
        }
        return new BinaryArray("text[]", out.bytes, values, Object::toString);
    }

    @Override
    public int lengthInBytes() {
        return bytes.length;
    }

    @Override
    public void toBytes(byte[] target, int offset) {
        System.arraycopy(bytes, 0, target, offset, bytes.length);
    }

    @Override
    public void setByteValue(byte[] value, int offset) {
        throw new UnsupportedOperationException("a parameter, never read back");
    }

    /** The same array as text, for a connection that sends this type as text. */
    @Override
    public String getValue() {
        StringBuilder literal = new StringBuilder(elements.length * 40).append('{');
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                literal.append(',');
            }
            if (elements[i] == null) {
                literal.append("NULL");
            } else {
                literal.append('"');
                String value = text.apply(elements[i]);
                for (int c = 0; c < value.length(); c++) {
                    char ch = value.charAt(c);
                    if (ch == '"' || ch == '\\') {
                        literal.append('\\');
                    }
                    literal.append(ch);
                }
                literal.append('"');
            }
        }
        return literal.append('}').toString();
    }

    /** The header (one dimension, lower bound 1) and the elements, each its length (-1: NULL) and its bytes. */
    private static final class Writer {
        final byte[] bytes;
        int at;

        Writer(Object[] values, int elementOid, int elementBytes) {
            this(values, elementOid, elementBytes, 0);
        }

        Writer(Object[] values, int elementOid, int elementBytes, int variableBytes) {
            boolean hasNull = false;
            int present = 0;
            for (Object value : values) {
                hasNull |= value == null;
                present += value == null ? 0 : 1;
            }
            // no elements: no dimension (array_recv's empty array)
            int dimensions = values.length == 0 ? 0 : 1;
            bytes = new byte[12 + dimensions * 8 + values.length * 4 + present * elementBytes + variableBytes];
            putInt(dimensions);
            putInt(hasNull ? 1 : 0);
            putInt(elementOid);
            if (dimensions == 1) {
                putInt(values.length);
                putInt(1);
            }
        }

        /** Writes the element's length; false for NULL, whose bytes there are none of. */
        boolean element(Object value, int length) {
            putInt(value == null ? -1 : length);
            return value != null;
        }

        void putInt(int value) {
            bytes[at++] = (byte) (value >>> 24);
            bytes[at++] = (byte) (value >>> 16);
            bytes[at++] = (byte) (value >>> 8);
            bytes[at++] = (byte) value;
        }

        void putLong(long value) {
            putInt((int) (value >>> 32));
            putInt((int) value);
        }
    }
}

package io.iotpipeline.ingest;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The raw value of a Kafka record, before it is read as an event. The pipeline consumes bytes, not text, and checks
 * they are UTF-8: a lenient decoder would turn bad bytes into U+FFFD and store altered data without a word (Jackson's
 * own UTF-8 reader catches most bad bytes, but not overlong forms such as C0 AF for '/').
 */
public final class RecordValue {

    private RecordValue() {
    }

    /**
     * Throws when the value cannot be an event: absent (a tombstone), larger than {@code maxBytes} (refused before it
     * is parsed, so that one huge record cannot take the heap), or not UTF-8.
     */
    public static void check(byte[] value, int maxBytes) throws InvalidEventException {
        if (value == null) {
            throw new InvalidEventException("the Kafka record has no value");
        }
        if (value.length > maxBytes) {
            throw new InvalidEventException("the event is " + value.length + " bytes, more than " + maxBytes
                    + " (ingest.maxEventBytes)");
        }
        if (isAscii(value)) {
            return; // the usual event, and always UTF-8: the decoder is for the rest
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        CoderResult result = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(in, CharBuffer.allocate(value.length), true);
        if (result.isError()) {
            throw new InvalidEventException("the event is not valid UTF-8: " + result.length() + " bad byte(s) at byte "
                    + in.position());
        }
    }

    private static final java.lang.invoke.VarHandle LONGS =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

    /** Eight bytes at a time: a byte of the ASCII range has its high bit clear. */
    private static boolean isAscii(byte[] value) {
        int i = 0;
        for (; i + 8 <= value.length; i += 8) {
            if (((long) LONGS.get(value, i) & 0x8080808080808080L) != 0) {
                return false;
            }
        }
        for (; i < value.length; i++) {
            if (value[i] < 0) {
                return false;
            }
        }
        return true;
    }

    /** The value as text for a dead letter or a trace; bytes that are not UTF-8 show as U+FFFD. */
    public static String text(byte[] value) {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}

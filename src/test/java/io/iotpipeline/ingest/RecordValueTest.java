package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecordValueTest {

    @Test
    void aMissingOrOversizedValueIsNoEvent() {
        assertEquals("the Kafka record has no value",
                assertThrows(InvalidEventException.class, () -> RecordValue.check(null, 10)).getMessage());
        assertEquals("the event is 11 bytes, more than 10 (ingest.maxEventBytes)",
                assertThrows(InvalidEventException.class, () -> RecordValue.check(new byte[11], 10)).getMessage());
        assertDoesNotThrow(() -> RecordValue.check(new byte[10], 10));
    }

    @Test
    void invalidUtf8IsAnUnreadableEventNotAlteredText() {
        byte[] value = ReadingRulesTest.SEED.replace("CI00103", "CI_0103").getBytes(StandardCharsets.UTF_8);
        value[ReadingRulesTest.SEED.indexOf("CI00103") + 2] = (byte) 0xff; // never a byte of UTF-8
        int at = ReadingRulesTest.SEED.indexOf("CI00103") + 2;
        assertEquals("the event is not valid UTF-8: 1 bad byte(s) at byte " + at, assertThrows(
                InvalidEventException.class, () -> RecordValue.check(value, 10_000)).getMessage());
        assertTrue(RecordValue.text(value).contains("\ufffd"), "the dead letter shows where");
    }

    @Test
    void overlongFormsAndEncodedSurrogatesAreNotUtf8() {
        // Jackson would read C0 AF as '/': the check must not leave it to the parser
        byte[] overlong = {'{', '"', 'a', '"', ':', '"', (byte) 0xc0, (byte) 0xaf, '"', '}'};
        byte[] surrogate = {'"', (byte) 0xed, (byte) 0xa0, (byte) 0x80, '"'};
        assertThrows(InvalidEventException.class, () -> RecordValue.check(overlong, 100));
        assertThrows(InvalidEventException.class, () -> RecordValue.check(surrogate, 100));
        assertDoesNotThrow(() -> RecordValue.check("{\"t\":\"25 °C ✓ 😀\"}".getBytes(StandardCharsets.UTF_8), 100));
    }
}

package io.iotpipeline.domain;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

class DeadLetterTest {

    @Test
    void deadLetterPayloadsAreAlwaysStorable() {
        DeadLetter dead = DeadLetter.ofEvent(new SourceRecord("device_stream", 2, 41, "CI00103", "{}"), "r", null);
        assertNull(DeadLetter.storable(null, 10));
        assertEquals("a\uFFFDb", DeadLetter.storable("a\u0000b", 10));
        assertEquals(DeadLetter.MAX_PAYLOAD_CHARS, DeadLetter.storable("x".repeat(2_000_000), DeadLetter.MAX_PAYLOAD_CHARS).length());
        assertInstanceOf(Integer.class, dead.toRow().get("payloadLength"));
    }

    @Test
    void refusalsAreCountedByTheirKindWithoutPositionsIdsOrValues() {
        assertEquals("status", DeadLetter.kindOf("data.devices[1]: status '\"BROKEN\"' is not one of SUCCESS, ERROR"));
        assertEquals("temperature", DeadLetter.kindOf("data.devices[0]: temperature 999.0 is outside -60..150 for C"));
        assertEquals("not a readable event", DeadLetter.kindOf("not a readable event: Unexpected end-of-input"));
        assertEquals("eventId", DeadLetter.kindOf("eventId 'x-49a2' is not a UUID"));
        assertEquals("DROPPED before the store", DeadLetter.kindOf("DROPPED before the store: route x failed: y"));
        assertEquals("other", DeadLetter.kindOf(null));
    }
}

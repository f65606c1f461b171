package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PostedEventsTest {

    static final String SEED = ReadingRulesTest.SEED;

    static PostedEvents judge(String body, int maxEvents) throws Exception {
        return PostedEvents.judge(body.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD, maxEvents, 1_000_000);
    }

    @Test
    void aSingleEventIsAcceptedAsSentKeyedByItsCustomer() throws Exception {
        PostedEvents events = judge(SEED, 10);
        assertTrue(events.allAccepted());
        PostedEvents.Accepted accepted = events.accepted().get(0);
        assertEquals("e3cb26d3-41b2-49a2-84f3-0156ed8d7502", accepted.eventId());
        assertEquals("CI00103", accepted.customerId());
        assertEquals(EventJson.MAPPER.readTree(SEED), EventJson.MAPPER.readTree(accepted.json()));
    }

    @Test
    void everyRejectedEventGetsItsIndexAndEveryReason() throws Exception {
        String twoBadDevices = SEED.replace("\"C\",\"status\":\"ERROR\"", "\"Q\",\"status\":\"ERROR\"")
                .replace("\"SUCCESS\"", "\"BROKEN\"");
        PostedEvents events = judge("[" + SEED + ", 7, " + twoBadDevices + "]", 10);
        assertEquals(List.of(1, 2), events.rejected().stream().map(PostedEvents.Rejected::index).toList());
        assertEquals(List.of("not an event object"), events.rejected().get(0).reasons());
        List<String> reasons = events.rejected().get(1).reasons();
        assertEquals(2, reasons.size(), reasons.toString());
        assertTrue(reasons.get(0).startsWith("data.devices[0]") && reasons.get(0).contains("measure"), reasons.toString());
        assertTrue(reasons.get(1).startsWith("data.devices[1]") && reasons.get(1).contains("status"), reasons.toString());
    }

    @Test
    void theSameEventTwiceInOneRequestIsRejectedOnce() throws Exception {
        PostedEvents events = judge("[" + SEED + "," + SEED + "]", 10);
        assertEquals(1, events.accepted().size());
        assertTrue(events.rejected().get(0).reasons().get(0).contains("appears twice"));
    }

    @Test
    void onlyJsonItselfIsJson() {
        assertTrue(PostedEvents.isJson("application/json"));
        assertTrue(PostedEvents.isJson("Application/JSON; charset=UTF-8"));
        assertTrue(PostedEvents.isJson("application/json;charset=\"utf-8\""));
        for (String other : new String[] {null, "", "application/xml; x=json", "application/jsonp", "text/json",
                "application/json-patch+json", "application/json; charset=latin1", "application/json; a=b; c=d"}) {
            assertFalse(PostedEvents.isJson(other), other);
        }
    }

    @Test
    void wholeRequestsThatAreNotEventsAreRefused() {
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge("{\"eventId\":", 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge("\"text\"", 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge("[]", 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> PostedEvents.judge(
                new byte[] {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'}, ReadingRules.STANDARD, 10, 1_000_000));
        // overlong '/' (C0 AF): Jackson's own reader lets it through
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> PostedEvents.judge(
                new byte[] {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'}, ReadingRules.STANDARD, 10, 1_000_000));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(SEED + "xyz", 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(SEED + SEED, 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(
                SEED.replaceFirst("\\{", "{\"eventId\":\"twice\","), 10));
        assertThrows(PostedEvents.TooManyEventsException.class, () -> PostedEvents.judge(
                SEED.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD, 10, 100));
        assertThrows(PostedEvents.TooManyEventsException.class, () -> judge("[" + SEED + "," + SEED + "]", 1));
    }
}

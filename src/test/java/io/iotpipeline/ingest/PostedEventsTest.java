package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import io.iotpipeline.domain.EventJson;

class PostedEventsTest {

    static final String SEED = ReadingRulesTest.SEED;

    static final java.time.LocalDateTime NOW = java.time.LocalDateTime.of(2023, 1, 5, 12, 0);

    static PostedLimits limits(int maxEvents, int maxEventBytes) {
        return new PostedLimits(1 << 20, maxEvents, maxEventBytes,
                new EventTimeWindow(java.time.Duration.ofMinutes(5), null));
    }

    static PostedEvents judge(String body, int maxEvents) throws Exception {
        return PostedEvents.judge(body.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD, limits(maxEvents, 1_000_000),
                NOW);
    }

    @Test
    void anEventTheConsumerWouldRefuseForItsTimeIsRefusedHereToo() throws Exception {
        // 2023-01-05 11:13:53 is two hours ahead of a clock at 09:13
        PostedEvents events = PostedEvents.judge(SEED.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD,
                limits(10, 1_000_000), java.time.LocalDateTime.of(2023, 1, 5, 9, 13, 53));
        assertEquals(1, events.rejected().size());
        assertTrue(events.rejected().get(0).reasons().get(0).contains("7200 s ahead of the pipeline clock"),
                events.rejected().get(0).reasons().toString());
        PostedLimits withHorizon = new PostedLimits(1 << 20, 10, 1_000_000,
                new EventTimeWindow(java.time.Duration.ofMinutes(5), java.time.Duration.ofHours(1)));
        assertFalse(PostedEvents.judge(SEED.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD, withHorizon,
                java.time.LocalDateTime.of(2023, 1, 5, 14, 0)).allAccepted(), "three hours old, beyond a one-hour horizon");
    }

    @Test
    void aNumberThatJsonbCannotHoldIsRefusedBeforeTheInsert() throws Exception {
        PostedEvents events = judge(SEED.replace("\"status\":\"ERROR\"", "\"status\":\"ERROR\",\"hum\":1e999999"), 10);
        assertEquals(1, events.rejected().size());
        assertTrue(events.rejected().get(0).reasons().get(0).contains("'hum'"), events.rejected().get(0).reasons().toString());
        assertTrue(judge(SEED.replace("\"status\":\"ERROR\"", "\"status\":\"ERROR\",\"hum\":1e300"), 10).allAccepted());
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
                new byte[] {'[', '"', (byte) 0xC3, (byte) 0x28, '"', ']'}, ReadingRules.STANDARD, limits(10, 1_000_000), NOW));
        // overlong '/' (C0 AF): Jackson's own reader lets it through
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> PostedEvents.judge(
                new byte[] {'[', '"', (byte) 0xC0, (byte) 0xAF, '"', ']'}, ReadingRules.STANDARD, limits(10, 1_000_000), NOW));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(SEED + "xyz", 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(SEED + SEED, 10));
        assertThrows(PostedEvents.UnreadableRequestException.class, () -> judge(
                SEED.replaceFirst("\\{", "{\"eventId\":\"twice\","), 10));
        assertThrows(PostedEvents.TooManyEventsException.class, () -> PostedEvents.judge(
                SEED.getBytes(StandardCharsets.UTF_8), ReadingRules.STANDARD, limits(10, 100), NOW));
        assertThrows(PostedEvents.TooManyEventsException.class, () -> judge("[" + SEED + "," + SEED + "]", 1));
    }
}

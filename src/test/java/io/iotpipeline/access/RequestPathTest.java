package io.iotpipeline.access;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

class RequestPathTest {

    @Test
    void onlyTheRoutersOwnSpellingOfAPathPasses() {
        assertNull(RequestPath.refusal("/api/events", "/api/events", "/observe/jolokia"));
        assertNull(RequestPath.refusal("/", "/", "/observe/jolokia"));
        assertNull(RequestPath.refusal("/observe/jolokia/", "/observe/jolokia/", "/observe/jolokia"));
        assertNull(RequestPath.refusal("/observe/jolokia/read/a%2fb", "/observe/jolokia/read/a%2Fb", "/observe/jolokia"));
        // what the router would serve as /api/events, each spelt so that an exact-match rule would miss it
        for (String[] odd : new String[][] {{"/api/events/", "/api/events/"}, {"/api/events//", "/api/events//"},
                {"/api//events", "/api//events"}, {"/api/events/.", "/api/events/"}, {"/api/./events", "/api/events"},
                {"/api/x/../events", "/api/events"}, {"/api/%65vents", "/api/events"}, {"/api/events%2e", "/api/events."},
                {"/api/events;x", "/api/events;x"}, {"/api\\events", "/api\\events"}, {"api/events", "api/events"},
                {"/observe/jolokia//notification/register", "/observe/jolokia//notification/register"}}) {
            assertNotNull(RequestPath.refusal(odd[0], odd[1], "/observe/jolokia"), odd[0]);
        }
    }
}

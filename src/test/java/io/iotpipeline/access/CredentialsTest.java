package io.iotpipeline.access;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CredentialsTest {

    static final Map<String, String> DEFAULTS = Map.of("auth.enabled", "true", "auth.realm", "iot-pipeline",
            "auth.read.user", "reader", "auth.read.password", "r-secret", "auth.operate.user", "operator",
            "auth.operate.password", "o-secret", "ingest.http.apiKey", "i-key", "auth.jolokia.maxRequestsPerCall", "10",
            "http.idleTimeoutSeconds", "30");

    static AccessSettings settings(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(DEFAULTS);
        all.putAll(overrides);
        return AccessSettings.from(io.iotpipeline.config.Settings.of(all));
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void eachUserHasItsRoleAndNothingElseDoes() {
        Credentials credentials = new Credentials(settings(Map.of()));
        assertEquals(Credentials.Role.READ, credentials.basicUser(basic("reader", "r-secret")));
        assertEquals(Credentials.Role.OPERATE, credentials.basicUser(basic("operator", "o-secret")));
        assertNull(credentials.basicUser(basic("reader", "o-secret")));
        assertNull(credentials.basicUser(basic("operator", "r-secret")));
        assertNull(credentials.basicUser(basic("reader", "r-secret ")));
        assertNull(credentials.basicUser("Basic not-base64!"));
        assertNull(credentials.basicUser("Bearer i-key"));
        assertNull(credentials.basicUser(null));
    }

    @Test
    void theIngestKeyComesFromItsHeaderOrABearerToken() {
        Credentials credentials = new Credentials(settings(Map.of()));
        assertTrue(credentials.admitsIngest("i-key", null));
        assertTrue(credentials.admitsIngest(null, "Bearer i-key"));
        assertFalse(credentials.admitsIngest(null, basic("reader", "r-secret")));
        assertFalse(credentials.admitsIngest("wrong", null));
        assertFalse(credentials.admitsIngest(null, null));
        assertTrue(new Credentials(settings(Map.of("auth.enabled", "false", "ingest.http.apiKey", " "))).admitsIngest(null, null),
                "no key configured: open, as the zero-install run is");
    }

    @Test
    void accessControlOnRefusesToStartWithoutEverySecret() {
        for (String missing : new String[] {"auth.read.password", "auth.operate.password", "ingest.http.apiKey"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> settings(Map.of(missing, "")));
            assertTrue(refused.getMessage().contains(missing), refused.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("auth.operate.user", "reader")));
        assertEquals("auth.jolokia.maxRequestsPerCall must be a positive integer, got \"x\"",
                assertThrows(IllegalArgumentException.class,
                        () -> settings(Map.of("auth.jolokia.maxRequestsPerCall", "x"))).getMessage());
        assertFalse(settings(Map.of()).toString().contains("secret"), "no secret in the settings' text");
    }
}

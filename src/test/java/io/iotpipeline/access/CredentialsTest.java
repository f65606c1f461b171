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

    static final Map<String, String> DEFAULTS = Map.ofEntries(Map.entry("auth.enabled", "true"),
            Map.entry("auth.realm", "iot-pipeline"), Map.entry("auth.read.user", "reader"),
            Map.entry("auth.read.password", "r-secret"), Map.entry("auth.operate.user", "operator"),
            Map.entry("auth.operate.password", "o-secret"), Map.entry("ingest.http.apiKey", "i-key"),
            Map.entry("auth.jolokia.maxRequestsPerCall", "10"), Map.entry("http.idleTimeoutSeconds", "30"),
            Map.entry("http.allowedHosts", "localhost,127.0.0.1"), Map.entry("ingest.http.customerKeys", ""),
            Map.entry("auth.failedLoginsPerMinute", "30"));

    static AccessSettings settings(Map<String, String> overrides) {
        Map<String, String> all = new java.util.HashMap<>(DEFAULTS);
        all.putAll(overrides);
        return AccessSettings.from(io.iotpipeline.settings.Settings.of(all));
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

    @Test
    void aCustomerKeyPostsOnlyForItsCustomers() {
        Credentials credentials = new Credentials(settings(Map.of("ingest.http.customerKeys",
                "# two tenants\nCI00100, CI00101 = key-of-tenant-one-0001\nCI00200 = key-of-tenant-two-0002")));
        Credentials.IngestGrant one = credentials.ingestGrant("key-of-tenant-one-0001", null);
        assertTrue(one.covers("CI00101") && !one.covers("CI00200"), one.toString());
        assertTrue(credentials.ingestGrant(null, "Bearer key-of-tenant-two-0002").covers("CI00200"));
        assertTrue(credentials.ingestGrant("i-key", null).covers("CI00200"), "the ingest key posts for everyone");
        assertNull(credentials.ingestGrant("key-of-tenant-one-000", null));
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("ingest.http.customerKeys", "CI00100 = short")));
        assertThrows(IllegalArgumentException.class, () -> settings(Map.of("ingest.http.customerKeys",
                "<b> = key-of-tenant-one-0001")));
    }

    @Test
    void guessesAtOneNameMakeThatNameWaitLongerEachTimeAndNothingElse() {
        long[] now = {0};
        FailedLogins logins = new FailedLogins(3, () -> now[0]);
        for (int i = 0; i < 3; i++) {
            logins.failed("10.0.0.1", "user:operator");
        }
        assertEquals(0, logins.secondsToWait("10.0.0.1", "user:operator"));
        logins.failed("10.0.0.1", "user:operator");
        assertEquals(1, logins.secondsToWait("10.0.0.1", "user:operator"));
        assertEquals(0, logins.secondsToWait("10.0.0.2", "user:operator"), "another address is not held back");
        assertEquals(0, logins.secondsToWait("10.0.0.1", "user:reader"), "nor another name behind the same proxy");
        now[0] += 1000;
        for (int i = 0; i < 4; i++) {
            logins.failed("10.0.0.1", "user:operator");
        }
        assertEquals(2, logins.secondsToWait("10.0.0.1", "user:operator"), "the second overrun waits twice as long");
        now[0] += 11 * 60_000;
        for (int i = 0; i < 4; i++) {
            logins.failed("10.0.0.1", "user:operator");
        }
        assertEquals(1, logins.secondsToWait("10.0.0.1", "user:operator"), "ten quiet minutes forget the overruns");
        assertEquals("user:operator", Credentials.claimedName(basic("operator", "x")));
        assertEquals("key", Credentials.claimedName("Bearer abc"));
    }

    @Test
    void aFloodOfMadeUpNamesCountsAsOneNameAndHoldsBackNoNameWithACountOfItsOwn() {
        long[] now = {0};
        FailedLogins logins = new FailedLogins(3, () -> now[0]);
        logins.failed("10.0.0.9", "user:operator");
        for (int i = 0; i < 10_000; i++) {
            logins.failed("10.0.0.9", "user:made-up-" + i);
        }
        assertTrue(logins.tracked() <= FailedLogins.MAX_NAMES_PER_ADDRESS + 1, logins.tracked() + " counts held");
        assertTrue(logins.secondsToWait("10.0.0.9", "user:one-more") > 0, "names without a count wait with the flood");
        assertEquals(0, logins.secondsToWait("10.0.0.9", "user:operator"), "a name with a count of its own does not");
        assertEquals(0, logins.secondsToWait("10.0.0.1", "user:reader"), "nor another address");
        for (int i = 0; i < 3; i++) {
            logins.failed("10.0.0.1", "user:reader-" + i);
        }
        assertEquals(0, logins.secondsToWait("10.0.0.1", "user:reader-0"), "whose names are counted each on its own");
        now[0] += 2 * 60_000;
        logins.failed("10.0.0.9", "user:after-a-quiet-while");
        assertEquals(0, logins.secondsToWait("10.0.0.9", "user:after-a-quiet-while"),
                "old counts are swept, and the address has names of its own again");
    }
}

package io.iotpipeline.access;


import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.iotpipeline.settings.Settings;

/**
 * Who may do what over HTTP: the read user (API, dashboard), the operate user (health details, metrics, Jolokia) and
 * the ingest key (POST /api/events), optionally one key per group of customers. Passwords and keys come from the
 * property, an environment variable or a file ({@code auth.read.password.file}), as the other secrets do. With
 * {@code auth.enabled=false} only the ingest key is asked for (when set): the zero-install run on one machine, bound to
 * the loopback address and answering only a loopback Host name ({@code http.allowedHosts}).
 *
 * @param allowedHosts the Host header names (without port) the servers answer; empty: any
 * @param customerKeys ingest keys that may write only for their customers, key to customerIds
 * @param failedLoginsPerMinute wrong passwords or keys one client address may present per minute before it waits
 */
public record AccessSettings(boolean enabled, String realm, String readUser, String readPassword, String operateUser,
                             String operatePassword, String ingestKey, int maxJolokiaRequests, int idleTimeoutSeconds,
                             Set<String> allowedHosts, Map<String, Set<String>> customerKeys,
                             int failedLoginsPerMinute) {

    public static AccessSettings from(Settings property) {
        boolean enabled = property.flag("auth.enabled");
        String readPassword = property.secret("auth.read.password");
        String operatePassword = property.secret("auth.operate.password");
        String ingestKey = property.secret("ingest.http.apiKey");
        Set<String> hosts = Set.copyOf(Arrays.stream(property.text("http.allowedHosts").split(","))
                .map(host -> host.trim().toLowerCase(Locale.ROOT)).filter(host -> !host.isEmpty()).toList());
        Map<String, Set<String>> customerKeys = CustomerKeys.parse(property.secret("ingest.http.customerKeys"));
        AccessSettings settings = new AccessSettings(enabled, property.text("auth.realm"),
                property.text("auth.read.user"), blankToNull(readPassword), property.text("auth.operate.user"),
                blankToNull(operatePassword), blankToNull(ingestKey),
                property.positiveInt("auth.jolokia.maxRequestsPerCall"), property.positiveInt("http.idleTimeoutSeconds"),
                hosts, customerKeys, property.positiveInt("auth.failedLoginsPerMinute"));
        if (enabled) {
            require(settings.readPassword, "auth.read.password (AUTH_READ_PASSWORD or AUTH_READ_PASSWORD_FILE)");
            require(settings.operatePassword, "auth.operate.password (AUTH_OPERATE_PASSWORD or AUTH_OPERATE_PASSWORD_FILE)");
            if (settings.ingestKey == null && customerKeys.isEmpty()) {
                require(null, "ingest.http.apiKey (INGEST_HTTP_APIKEY or INGEST_HTTP_APIKEY_FILE) or"
                        + " ingest.http.customerKeys (INGEST_HTTP_CUSTOMERKEYS_FILE)");
            }
            if (settings.readUser.isBlank() || settings.operateUser.isBlank()
                    || settings.readUser.equals(settings.operateUser)) {
                throw new IllegalArgumentException("auth.read.user and auth.operate.user must be two different names, got \""
                        + settings.readUser + "\" and \"" + settings.operateUser + "\"");
            }
        }
        return settings;
    }

    /** Whether a request needs an ingest key: one is configured, for all customers or for some. */
    public boolean ingestKeyRequired() {
        return ingestKey != null || !customerKeys.isEmpty();
    }

    /** Whether the servers answer a request whose Host header names {@code host} (port removed, any case). */
    public boolean answersHost(String host) {
        return allowedHosts.isEmpty() || (host != null && allowedHosts.contains(host.toLowerCase(Locale.ROOT)));
    }

    private static void require(String value, String what) {
        if (value == null) {
            throw new IllegalArgumentException("auth.enabled=true needs " + what + " to be set");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    @Override
    public String toString() {
        // never the secrets
        return "AccessSettings[enabled=" + enabled + ", readUser=" + readUser + ", operateUser=" + operateUser
                + ", customerKeys=" + customerKeys.size() + ", allowedHosts=" + List.copyOf(allowedHosts) + "]";
    }
}

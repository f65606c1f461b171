package io.iotpipeline.access;


import io.iotpipeline.config.Settings;

/**
 * Who may do what over HTTP: the read user (API, dashboard), the operate user (health details, metrics, Jolokia) and
 * the ingest key (POST /api/events). Passwords and the key come from the property, an environment variable or a file
 * ({@code auth.read.password.file}), as the other secrets do. With {@code auth.enabled=false} only the ingest key is
 * asked for (when set): the zero-install run on one machine, bound to the loopback address.
 */
public record AccessSettings(boolean enabled, String realm, String readUser, String readPassword, String operateUser,
                             String operatePassword, String ingestKey, int maxJolokiaRequests, int idleTimeoutSeconds) {

    public static AccessSettings from(Settings property) {
        boolean enabled = property.flag("auth.enabled");
        String readPassword = property.secret("auth.read.password");
        String operatePassword = property.secret("auth.operate.password");
        String ingestKey = property.secret("ingest.http.apiKey");
        AccessSettings settings = new AccessSettings(enabled, property.text("auth.realm"),
                property.text("auth.read.user"), blankToNull(readPassword), property.text("auth.operate.user"),
                blankToNull(operatePassword), blankToNull(ingestKey),
                property.positiveInt("auth.jolokia.maxRequestsPerCall"), property.positiveInt("http.idleTimeoutSeconds"));
        if (enabled) {
            require(settings.readPassword, "auth.read.password (AUTH_READ_PASSWORD or AUTH_READ_PASSWORD_FILE)");
            require(settings.operatePassword, "auth.operate.password (AUTH_OPERATE_PASSWORD or AUTH_OPERATE_PASSWORD_FILE)");
            require(settings.ingestKey, "ingest.http.apiKey (INGEST_HTTP_APIKEY or INGEST_HTTP_APIKEY_FILE)");
            if (settings.readUser.isBlank() || settings.operateUser.isBlank()
                    || settings.readUser.equals(settings.operateUser)) {
                throw new IllegalArgumentException("auth.read.user and auth.operate.user must be two different names, got \""
                        + settings.readUser + "\" and \"" + settings.operateUser + "\"");
            }
        }
        return settings;
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
        return "AccessSettings[enabled=" + enabled + ", readUser=" + readUser + ", operateUser=" + operateUser + "]";
    }
}

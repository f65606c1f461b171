package io.iotpipeline.access;

import java.util.function.Function;

import io.iotpipeline.config.SecretSetting;

/**
 * Who may do what over HTTP: the read user (API, dashboard), the operate user (health details, metrics, Jolokia) and
 * the ingest key (POST /api/events). Passwords and the key come from the property, an environment variable or a file
 * ({@code auth.read.password.file}), as the other secrets do. With {@code auth.enabled=false} only the ingest key is
 * asked for (when set): the zero-install run on one machine, bound to the loopback address.
 */
public record AccessSettings(boolean enabled, String realm, String readUser, String readPassword, String operateUser,
                             String operatePassword, String ingestKey, int maxJolokiaRequests, int idleTimeoutSeconds) {

    public static AccessSettings fromProperties(Function<String, String> property) {
        boolean enabled = Boolean.parseBoolean(property.apply("auth.enabled"));
        String readPassword = SecretSetting.read(property, "auth.read.password");
        String operatePassword = SecretSetting.read(property, "auth.operate.password");
        String ingestKey = SecretSetting.read(property, "ingest.http.apiKey");
        AccessSettings settings = new AccessSettings(enabled, property.apply("auth.realm"),
                property.apply("auth.read.user"), blankToNull(readPassword), property.apply("auth.operate.user"),
                blankToNull(operatePassword), blankToNull(ingestKey),
                positive(property, "auth.jolokia.maxRequestsPerCall"), positive(property, "http.idleTimeoutSeconds"));
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

    private static int positive(Function<String, String> property, String key) {
        String value = property.apply(key);
        try {
            int parsed = Integer.parseInt(value.trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive integer, got \"" + value + "\"");
    }

    @Override
    public String toString() {
        // never the secrets
        return "AccessSettings[enabled=" + enabled + ", readUser=" + readUser + ", operateUser=" + operateUser + "]";
    }
}

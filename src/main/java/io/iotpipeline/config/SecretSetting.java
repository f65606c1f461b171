package io.iotpipeline.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A secret setting (a password, an API key) taken from the property itself or, when {@code <key>.file} is set, from
 * that file: the way Docker and Kubernetes secrets are mounted ({@code DB_PASSWORD_FILE=/run/secrets/db_password}), so
 * the secret needs no environment variable and no properties file. The value is never part of a message.
 */
public final class SecretSetting {

    private SecretSetting() {
    }

    public static String read(Function<String, String> property, String key) {
        String file = property.apply(key + ".file");
        if (file == null || file.isBlank()) {
            return property.apply(key);
        }
        try {
            // one trailing line break is how files end, not part of the secret
            return Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ".file: cannot read " + file.trim() + " (" + e.getClass()
                    .getSimpleName() + ")");
        }
    }
}

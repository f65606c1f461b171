package io.iotpipeline.settings;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;

import org.apache.camel.CamelContext;

/**
 * The pipeline's properties, read as typed and checked values: the one place that parses them. Each concern's settings
 * type ({@code StoreSettings}, {@code DetectorSettings}, …) is built from here once, at start, and a bad value stops
 * the start with a message that names the property and the value ({@code store.batch.rows must be a positive
 * integer, got "abc"}). Values are trimmed; a property that is missing altogether is a packaging error.
 */
public final class Settings {

    private final Function<String, String> source;

    private Settings(Function<String, String> source) {
        this.source = source;
    }

    /** The context's properties (application.properties, overridden by env vars, -D and files). */
    public static Settings of(CamelContext context) {
        var properties = context.getPropertiesComponent();
        return new Settings(key -> properties.resolveProperty(key).orElse(null));
    }

    /** Fixed values, for tests. */
    public static Settings of(Map<String, String> values) {
        return new Settings(values::get);
    }

    /** Values from a lookup that answers null for a missing property, for tests. */
    public static Settings of(Function<String, String> values) {
        return new Settings(values);
    }

    /**
     * A concern's settings as bound at start ({@code PipelineSetup}), or read now from the context's properties when
     * it was built without that (route tests).
     */
    public static <T> T bound(CamelContext context, Class<T> type, Function<Settings, T> read) {
        T bound = context.getRegistry().findSingleByType(type);
        return bound != null ? bound : read.apply(of(context));
    }

    /** The value as text, trimmed; may be empty. */
    public String text(String key) {
        String value = source.apply(key);
        if (value == null) {
            throw new IllegalStateException("missing property " + key);
        }
        return value.trim();
    }

    /** The value as text when the property exists, otherwise {@code fallback}. */
    public String textOr(String key, String fallback) {
        String value = source.apply(key);
        return value == null ? fallback : value.trim();
    }

    public boolean flag(String key) {
        String value = text(key);
        if (value.equalsIgnoreCase("true")) {
            return true;
        }
        if (value.equalsIgnoreCase("false")) {
            return false;
        }
        throw invalid(key, "true or false", value);
    }

    public int positiveInt(String key) {
        return intAtLeast(key, 1, "a positive integer");
    }

    public int nonNegativeInt(String key) {
        return intAtLeast(key, 0, "an integer of 0 or more");
    }

    /** A TCP port; 0 lets the system choose one. */
    public int port(String key) {
        int port = intAtLeast(key, 0, "a port number (0 to 65535)");
        if (port > 65_535) {
            throw invalid(key, "a port number (0 to 65535)", text(key));
        }
        return port;
    }

    public long positiveLong(String key) {
        return longAtLeast(key, 1, "a positive integer");
    }

    public long nonNegativeLong(String key) {
        return longAtLeast(key, 0, "an integer of 0 or more");
    }

    /** A whole number of seconds, 0 or more. */
    public Duration seconds(String key) {
        return Duration.ofSeconds(longAtLeast(key, 0, "a number of seconds (0 or more)"));
    }

    /** A finite number. */
    public double number(String key) {
        String value = text(key);
        try {
            double number = Double.parseDouble(value);
            if (Double.isFinite(number)) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, "a number", value);
    }

    /** A number greater than 0. */
    public double positiveNumber(String key) {
        double number = number(key);
        if (number <= 0) {
            throw invalid(key, "a number greater than 0", text(key));
        }
        return number;
    }

    /** A share between 0 and 1. */
    public double share(String key) {
        double share = number(key);
        if (share < 0 || share > 1) {
            throw invalid(key, "a share between 0 and 1", text(key));
        }
        return share;
    }

    /**
     * A secret (a password, an API key) from the property itself or, when {@code <key>.file} is set, from that file:
     * the way Docker and Kubernetes secrets are mounted ({@code DB_PASSWORD_FILE=/run/secrets/db_password}), so the
     * secret needs no environment variable and no properties file. The value is never part of a message.
     */
    public String secret(String key) {
        String file = textOr(key + ".file", "");
        if (file.isEmpty()) {
            String value = source.apply(key);
            if (value == null) {
                throw new IllegalStateException("missing property " + key);
            }
            return value;
        }
        try {
            // one trailing line break is how files end, not part of the secret
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).replaceFirst("\\r?\\n$", "");
        } catch (IOException e) {
            throw new IllegalArgumentException(key + ".file: cannot read " + file + " (" + e.getClass()
                    .getSimpleName() + ")");
        }
    }

    /** A failure for a value that is not what the property needs. */
    public IllegalArgumentException invalid(String key, String what, String value) {
        return new IllegalArgumentException(key + " must be " + what + ", got \"" + value + "\"");
    }

    private int intAtLeast(String key, int min, String what) {
        long value = longAtLeast(key, min, what);
        if (value > Integer.MAX_VALUE) {
            throw invalid(key, what, text(key));
        }
        return (int) value;
    }

    private long longAtLeast(String key, long min, String what) {
        String value = text(key);
        try {
            long number = Long.parseLong(value);
            if (number >= min) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, what, value);
    }
}

package io.iotpipeline.config;

import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import io.iotpipeline.settings.Settings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectionSettingsTest {

    /** The shipped defaults (application.properties) with these changes. */
    static Settings settings(Map<String, String> changes) throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = ConnectionSettingsTest.class.getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        Map<String, String> values = new HashMap<>();
        shipped.forEach((key, value) -> values.put(key.toString(), value.toString().trim()));
        values.putAll(changes);
        return Settings.of(values);
    }

    @Test
    void withAccessControlOnMqttIngestLogsInToItsBroker() throws Exception {
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> ConnectionSettings.from(
                settings(Map.of("auth.enabled", "true", "mqtt.enabled", "true"))));
        assertTrue(refused.getMessage().contains("set mqtt.username (MQTT_USERNAME) and mqtt.password"),
                refused.getMessage());
        assertThrows(IllegalStateException.class, () -> ConnectionSettings.from(settings(Map.of("auth.enabled", "true",
                "mqtt.enabled", "true", "mqtt.username", "pipeline"))), "a user without a password");
        assertEquals("pipeline", ConnectionSettings.from(settings(Map.of("auth.enabled", "true", "mqtt.enabled", "true",
                "mqtt.username", "pipeline", "mqtt.password", "p"))).mqtt().username());
        assertTrue(ConnectionSettings.from(settings(Map.of("auth.enabled", "false", "mqtt.enabled", "true"))).mqtt()
                .enabled(), "access control off (the zero-install run): MQTT as configured");
        assertTrue(!ConnectionSettings.from(settings(Map.of("auth.enabled", "true"))).mqtt().enabled(),
                "MQTT off: nothing to log in to");
    }
}

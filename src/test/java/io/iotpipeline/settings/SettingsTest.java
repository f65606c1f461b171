package io.iotpipeline.settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.iotpipeline.store.Database;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SettingsTest {

    @Test
    void aSecretComesFromItsFileWhenOneIsNamed(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("db_password");
        Files.writeString(file, "s3cr3t with spaces\n");
        assertEquals("s3cr3t with spaces", Settings.of(Map.of("db.password", "ignored",
                "db.password.file", file.toString())).secret("db.password"));
        assertEquals("plain", Settings.of(Map.of("db.password", "plain", "db.password.file", ""))
                .secret("db.password"));
    }

    @Test
    void anUnreadableFileIsAClearErrorWithoutTheSecret(@TempDir Path dir) {
        String message = assertThrows(IllegalArgumentException.class, () -> Settings.of(Map.of(
                "db.password", "", "db.password.file", dir.resolve("missing").toString())).secret("db.password")).getMessage();
        assertEquals("db.password.file: cannot read " + dir.resolve("missing") + " (NoSuchFileException)", message);
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "store.batch.rows|abc|store.batch.rows must be a positive integer, got \"abc\"",
        "store.batch.rows|0|store.batch.rows must be a positive integer, got \"0\"",
        "store.batch.rows|99999999999|store.batch.rows must be a positive integer, got \"99999999999\"",
        "store.batch.maxWaitMs|-1|store.batch.maxWaitMs must be an integer of 0 or more, got \"-1\"",
        "anomaly.enabled|yes|anomaly.enabled must be true or false, got \"yes\"",
        "simulator.late.share|1.5|simulator.late.share must be a share between 0 and 1, got \"1.5\"",
        "simulator.eventsPerSecond|NaN|simulator.eventsPerSecond must be a number, got \"NaN\"",
        "kafka.embedded.port|70000|kafka.embedded.port must be a port number (0 to 65535), got \"70000\"",
        "lateness.allowedSeconds|ten|lateness.allowedSeconds must be a number of seconds (0 or more), got \"ten\"",
    })
    void aBadValueStopsTheStartWithThePropertyAndTheValue(String key, String value, String message) throws Exception {
        java.util.Properties shipped = shippedProperties();
        shipped.setProperty(key, value);
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(shipped);
            Exception error = assertThrows(IllegalArgumentException.class, () -> new io.iotpipeline.PipelineSetup().configure(context));
            assertEquals(message, error.getMessage());
            assertEquals(null, context.getRegistry().lookupByName("dataSource"), "nothing started before the check");
        }
    }

    @Test
    void withoutACatalogTheShippedSettingsStartAFleetOfThermometersOnTheSeedsRules() throws Exception {
        java.util.Properties shipped = shippedProperties();
        shipped.setProperty("measurements.catalog", "");
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(shipped);
            io.iotpipeline.PipelineSetup.bindSettings(context);
            assertEquals(Map.of("thermometer", 1.0), context.getRegistry().findSingleByType(
                    io.iotpipeline.simulator.SimulatorSettings.class).fleet().types(), "not the shipped weather stations");
            assertEquals(java.util.Set.of("C", "F"), context.getRegistry().lookupByNameAndType("readingRules",
                    io.iotpipeline.ingest.ReadingRules.class).temperature().units().keySet());
        }
        shipped.setProperty("simulator.fleet", "thermometer:1,weather-station:NaN");
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(shipped);
            assertEquals("simulator.fleet entry 'weather-station:NaN' needs a weight of 0 or more", assertThrows(
                    IllegalArgumentException.class, () -> io.iotpipeline.PipelineSetup.bindSettings(context)).getMessage());
        }
    }

    @Test
    void theShippedValuesAreAllValidAndTrimmed() throws Exception {
        java.util.Properties shipped = shippedProperties();
        shipped.setProperty("store.batch.rows", " 42 ");
        try (org.apache.camel.impl.DefaultCamelContext context = new org.apache.camel.impl.DefaultCamelContext()) {
            context.getPropertiesComponent().setInitialProperties(shipped);
            io.iotpipeline.PipelineSetup.bindSettings(context);
            assertEquals(42, context.getRegistry().findSingleByType(io.iotpipeline.store.StoreSettings.class)
                    .rowsPerBatch());
        }
    }

    static java.util.Properties shippedProperties() throws java.io.IOException {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = SettingsTest.class.getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        return shipped;
    }

    @Test
    void aPasswordInTheJdbcUrlIsNeverShown() {
        String url = "jdbc:postgresql://db:5432/iot?user=iot&password=hunter2&ssl=true";
        assertEquals("jdbc:postgresql://db:5432/iot?user=iot&password=***&ssl=true", Database.redacted(url));
        assertFalse(Database.redacted("jdbc:postgresql://db/iot?PASSWORD=hunter2").contains("hunter2"));
    }
}

package io.iotpipeline;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApplicationTest {

    @Test
    void aUserPropertiesFileOverridesTheBuiltInSettingsInsteadOfReplacingThem() {
        String[] expected = {"-propertiesLocation", "file:my.properties,classpath:application.properties"};
        assertArrayEquals(expected, Application.withDefaultProperties(new String[] {"--propertiesLocation=file:my.properties"}));
        assertArrayEquals(expected, Application.withDefaultProperties(new String[] {"-pl", "file:my.properties"}));
        assertArrayEquals(new String[] {"-d", "10"}, Application.withDefaultProperties(new String[] {"-d", "10"}));
    }

    @Test
    void helpPrintsTheJarsOwnCommandsAndWhereSettingsLiveWithoutStartingAnything() throws Exception {
        for (String flag : List.of("--help", "-h", "help")) {
            PrintStream out = System.out;
            ByteArrayOutputStream printed = new ByteArrayOutputStream();
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            try {
                Application.main(new String[] {flag}); // returns: no System.exit, no Camel
            } finally {
                System.setOut(out);
            }
            // run from target/classes, which hold the embedded servers: the zero-install jar's text
            assertEquals(Application.help(Application.ZERO_INSTALL_JAR, true), printed.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void eachJarsHelpNamesWhatItHas() {
        String zeroInstall = Application.help("iot-pipeline.jar", true);
        String deployed = Application.help("iot-pipeline-service.jar", false);
        for (String help : List.of(zeroInstall, deployed)) {
            for (String text : List.of("--propertiesLocation=file:my.properties", "application.properties", "DB_URL",
                    "KAFKA_BROKERS", "-Ddb.url=", "routes/*.yaml", "--help-camel", "docs/settings.md")) {
                assertTrue(help.contains(text), text + " in:\n" + help);
            }
        }
        assertTrue(zeroInstall.startsWith("usage: java -jar iot-pipeline.jar "), zeroInstall);
        assertTrue(zeroInstall.contains("  replay [--url=") && zeroInstall.contains("  broker <dataDir> <port> <controllerPort>")
                && zeroInstall.contains("embedded Kafka broker"), zeroInstall);
        assertTrue(deployed.startsWith("usage: java -jar iot-pipeline-service.jar "), deployed);
        assertTrue(deployed.contains("replay, broker: not in iot-pipeline-service.jar, the deployed jar; they are in"
                + " iot-pipeline.jar"), deployed);
        assertFalse(deployed.contains("replay [--url="), deployed);
        assertTrue(deployed.contains("this jar has no embedded servers"), deployed);
    }
}

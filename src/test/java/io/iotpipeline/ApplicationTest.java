package io.iotpipeline;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class ApplicationTest {

    @Test
    void aUserPropertiesFileOverridesTheBuiltInSettingsInsteadOfReplacingThem() {
        String[] expected = {"-propertiesLocation", "file:my.properties,classpath:application.properties"};
        assertArrayEquals(expected, Application.withDefaultProperties(new String[] {"--propertiesLocation=file:my.properties"}));
        assertArrayEquals(expected, Application.withDefaultProperties(new String[] {"-pl", "file:my.properties"}));
        assertArrayEquals(new String[] {"-d", "10"}, Application.withDefaultProperties(new String[] {"-d", "10"}));
    }
}

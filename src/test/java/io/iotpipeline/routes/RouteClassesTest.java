package io.iotpipeline.routes;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The routes and configuration classes are named in application.properties, not found by a package scan (which reads
 * the whole jar at every start): every RouteBuilder and {@code @Configuration} class of the sources is named there, and
 * nothing else.
 */
class RouteClassesTest {

    @Test
    void everyRouteBuilderAndConfigurationClassIsNamedInTheShippedSettings() throws Exception {
        Properties shipped = new Properties();
        try (InputStream in = RouteClassesTest.class.getResourceAsStream("/application.properties")) {
            shipped.load(in);
        }
        assertEquals(sources(Path.of("src/main/java/io/iotpipeline/routes"), "extends Route(Configuration)?Builder"),
                named(shipped, "camel.main.routesBuilderClasses"), "camel.main.routesBuilderClasses");
        assertEquals(sources(Path.of("src/main/java/io/iotpipeline"), "(?m)^@Configuration$"),
                named(shipped, "camel.main.configurationClasses"), "camel.main.configurationClasses");
    }

    @Test
    void noCamelMainIsMadeWithAMainClassWhichWouldScanTheJarAndConfigureTwice() throws Exception {
        java.util.regex.Pattern withClass = java.util.regex.Pattern.compile("new (org\\.apache\\.camel\\.main\\.)?Main\\(\\w");
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/java")), Files.walk(Path.of("src/test/java")))) {
            Set<String> offenders = files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return withClass.matcher(Files.readString(f)).find();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(Path::toString).collect(Collectors.toCollection(TreeSet::new));
            assertEquals(Set.of(), offenders, "use Application.camelMain()");
        }
    }

    private static Set<String> named(Properties settings, String key) {
        return Arrays.stream(settings.getProperty(key, "").split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> sources(Path folder, String marker) throws Exception {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(marker);
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(f -> f.toString().endsWith(".java")).filter(f -> {
                try {
                    return pattern.matcher(Files.readString(f)).find();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).map(f -> Path.of("src/main/java").relativize(f).toString().replace('/', '.').replaceAll("\\.java$", ""))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }
}

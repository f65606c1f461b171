package io.iotpipeline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The two jars one build makes: the zero-install one (embedded Kafka and PostgreSQL, {@code broker}, {@code replay})
 * and the deployed one, which holds only the pipeline. That the deployed one runs against external servers is the
 * production-path tests' ({@link ProductionPath} starts it); here: what each holds, {@code --help}, and the deployed
 * one's refusal to start without servers.
 */
class ArtifactsIT {

    static final Path ZERO_INSTALL = Path.of(ProductionPath.ZERO_INSTALL_JAR).toAbsolutePath();
    static final Path DEPLOYED = Path.of(ProductionPath.DEPLOYED_JAR).toAbsolutePath();

    /** One of the broker's own classes (Scala, in kafka_2.13), and the PostgreSQL binaries' archive. */
    static final String BROKER_CLASS = "kafka/server/KafkaRaftServer.class";
    static final String POSTGRES_BINARIES = "postgres-linux-x86_64.txz";

    @Test
    void theDeployedJarHoldsThePipelineWithoutTheDevServers() throws IOException {
        List<String> deployed = entries(DEPLOYED);
        List<String> zeroInstall = entries(ZERO_INSTALL);
        System.out.printf("artifacts: %s %.1f MB (%d entries), %s %.1f MB (%d entries)%n", ZERO_INSTALL.getFileName(),
                Files.size(ZERO_INSTALL) / 1e6, zeroInstall.size(), DEPLOYED.getFileName(), Files.size(DEPLOYED) / 1e6,
                deployed.size());

        // the zero-install jar has them all (else the checks below would prove nothing)
        for (String entry : List.of(BROKER_CLASS, POSTGRES_BINARIES, "scala/Option.class",
                "io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class",
                "io/iotpipeline/embedded/EmbeddedKafka.class", "io/iotpipeline/replay/SampleReplay.class")) {
            assertTrue(zeroInstall.contains(entry), ZERO_INSTALL.getFileName() + " holds " + entry);
        }
        for (String prefix : List.of("kafka/", "scala/", "io/zonky/", "org/apache/zookeeper/",
                "org/apache/kafka/server/common/", "org/apache/kafka/raft/", "org/apache/kafka/metadata/", "org/apache/kafka/storage/",
                "org/apache/kafka/coordinator/",
                "io/iotpipeline/embedded/", "io/iotpipeline/replay/")) {
            // (kafka-clients has kafka/kafka-version.properties: classes only)
            List<String> found = deployed.stream().filter(e -> e.startsWith(prefix) && e.endsWith(".class")).limit(3)
                    .toList();
            assertEquals(List.of(), found, DEPLOYED.getFileName() + " holds no class under " + prefix);
        }
        List<String> binaries = deployed.stream().filter(e -> e.endsWith(".txz")).toList();
        assertEquals(List.of(), binaries, "no PostgreSQL binaries");
        assertTrue(Files.size(DEPLOYED) < Files.size(ZERO_INSTALL) / 2, "less than half the zero-install jar");
        // ... but the whole pipeline, with the Kafka client camel-kafka needs
        for (String entry : List.of("io/iotpipeline/Application.class", "io/iotpipeline/PipelineSetup.class",
                "io/iotpipeline/config/ZeroInstallServers.class", "application.properties",
                "org/apache/kafka/clients/consumer/KafkaConsumer.class", "org/postgresql/Driver.class",
                "org/flywaydb/core/Flyway.class", "org/apache/camel/main/Main.class")) {
            assertTrue(deployed.contains(entry), DEPLOYED.getFileName() + " holds " + entry);
        }
    }

    @Test
    void withoutKafkaAndPostgresSettingsTheDeployedJarRefusesToStartAndSaysWhatToSet() throws Exception {
        Path dir = workDir("refuses");
        // free ports all the same: a jar that did start its servers must not meet a running pipeline's
        Run run = java(dir, DEPLOYED, List.of("-Dcamel.server.port=" + EmbeddedServers.freePort(),
                "-Dcamel.management.port=" + EmbeddedServers.freePort(), "-Dkafka.embedded.port="
                + EmbeddedServers.freePort(), "-Dkafka.embedded.controllerPort=" + EmbeddedServers.freePort(),
                "-Ddb.embedded.port=" + EmbeddedServers.freePort()), List.of(), 60);
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("this artifact has no embedded servers: set kafka.brokers (KAFKA_BROKERS) and"
                + " db.url (DB_URL, with DB_USER and DB_PASSWORD); missing: db.url kafka.brokers"), run.output());
        assertFalse(run.output().contains("NoClassDefFoundError") || run.output().contains("ClassNotFoundException"),
                run.output());
        assertFalse(Files.exists(dir.resolve("data")), "nothing started, nothing written");
    }

    @Test
    void helpNamesEachJarsOwnCommandsAndWhereSettingsLiveWithoutStartingAnything() throws Exception {
        for (Path jar : List.of(ZERO_INSTALL, DEPLOYED)) {
            Run run = java(workDir("help"), jar, List.of(), List.of("--help"), 30);
            assertEquals(0, run.exitCode(), run.output());
            for (String text : List.of("java -jar " + jar.getFileName(), "replay", "broker", "--propertiesLocation=file:",
                    "application.properties", "DB_URL", "KAFKA_BROKERS", "-Ddb.url=", "routes/", "--help-camel")) {
                assertTrue(run.output().contains(text), jar.getFileName() + " --help names " + text + ":\n" + run.output());
            }
            assertFalse(run.output().contains("Apache Camel"), "nothing started:\n" + run.output());
        }
        assertTrue(java(workDir("help"), DEPLOYED, List.of(), List.of("-h"), 30).output()
                .contains("not in iot-pipeline-service.jar"), "the deployed jar says broker and replay are not there");

        Run broker = java(workDir("help"), DEPLOYED, List.of(), List.of("broker", "data", "1", "2"), 30);
        assertEquals(2, broker.exitCode(), broker.output());
        assertTrue(broker.output().contains("broker is not in iot-pipeline-service.jar: it is in iot-pipeline.jar"),
                broker.output());
        Run camel = java(workDir("help"), DEPLOYED, List.of(), List.of("--help-camel"), 30);
        assertTrue(camel.output().contains("Apache Camel Runner takes the following options"), camel.output());
    }

    record Run(int exitCode, String output) {
    }

    private static Path workDir(String name) throws IOException {
        Path dir = Path.of("target", "artifacts-it", name).toAbsolutePath();
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(dir);
    }

    /** The jar as its own process, without any connection setting from this machine's environment. */
    private static Run java(Path dir, Path jar, List<String> jvmArgs, List<String> args, int seconds) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(args);
        Path log = dir.resolve("output.log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("DB_") || name.startsWith("KAFKA_"));
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(jar.getFileName() + " " + args + " still running after " + seconds + " s:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    }

    private static List<String> entries(Path jar) throws IOException {
        assertTrue(Files.isRegularFile(jar), jar + " is built by mvn package");
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.stream().map(java.util.zip.ZipEntry::getName).toList();
        }
    }
}

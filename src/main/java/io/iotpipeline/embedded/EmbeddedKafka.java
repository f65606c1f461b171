package io.iotpipeline.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

import io.iotpipeline.config.KafkaSecurity;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker in KRaft mode, run in-process, keeping its log under a data directory so that
 * a restart continues where it stopped. The same class runs it as a separate process ({@link #main}) for tests of the
 * external-broker path.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    private final KafkaRaftServer server;
    private final String bootstrapServers;

    private EmbeddedKafka(KafkaRaftServer server, String bootstrapServers) {
        this.server = server;
        this.bootstrapServers = bootstrapServers;
    }

    /**
     * @param security PLAINTEXT, or SASL_PLAINTEXT with one SCRAM user: clients then need it, and the broker talks to
     *                 itself as that user. (The KRaft controller listener stays plaintext, on the loopback address only:
     *                 SCRAM credentials live in the metadata the controller serves, so it cannot check them itself.)
     */
    public static EmbeddedKafka start(Path dataDirectory, int port, int controllerPort, KafkaSecurity security)
            throws IOException {
        if (security.protocol().equals("SASL_SSL")) {
            throw new IllegalArgumentException("the embedded broker speaks PLAINTEXT or SASL_PLAINTEXT, not SASL_SSL:"
                    + " set kafka.brokers to a broker of yours for TLS");
        }
        Path logDir = dataDirectory.toAbsolutePath();
        Files.createDirectories(logDir);
        Properties config = new Properties();
        String listener = security.sasl() ? "SASL_PLAINTEXT" : "PLAINTEXT";
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@localhost:" + controllerPort);
        config.put("listeners", listener + "://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", listener + "://localhost:" + port);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", listener);
        if (security.sasl()) {
            String mechanism = security.mechanism();
            config.put("sasl.enabled.mechanisms", mechanism);
            config.put("sasl.mechanism.inter.broker.protocol", mechanism);
            config.put("listener.name.sasl_plaintext." + mechanism.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    security.jaasConfig());
        }
        config.put("log.dirs", logDir.toString());
        config.put("num.partitions", "1");
        config.put("offsets.topic.replication.factor", "1");
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, logDir, security);
        }
        long started = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "localhost:" + port;
        LOG.info("Embedded Kafka broker (KRaft) started in {} ms at {} ({}), data in {}."
                + " Set kafka.brokers=host:9092 (or KAFKA_BROKERS) to use your own Kafka instead",
                (System.nanoTime() - started) / 1_000_000, bootstrap, security, logDir);
        return new EmbeddedKafka(server, bootstrap);
    }

    /** Formats the log directory; the SCRAM user is written into the first metadata, as kafka-storage --add-scram does. */
    private static void format(Properties config, Path logDir, KafkaSecurity security) throws IOException {
        Path file = logDir.resolve("server.properties");
        Properties withoutSecrets = new Properties();
        withoutSecrets.putAll(config);
        withoutSecrets.keySet().removeIf(key -> key.toString().endsWith("sasl.jaas.config"));
        try (OutputStream out = Files.newOutputStream(file)) {
            withoutSecrets.store(out, "written by iot-pipeline for kafka-storage format");
        }
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of("format", "-t",
                Uuid.randomUuid().toString(), "-c", file.toString(), "--ignore-formatted"));
        if (security.sasl()) {
            arguments.add("--add-scram");
            arguments.add(security.mechanism() + "=[name=" + security.username() + ",password=" + security.password() + "]");
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int rc = StorageTool.execute(arguments.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            String message = output.toString(StandardCharsets.UTF_8);
            throw new IOException("kafka-storage format failed (" + rc + "): "
                    + (security.sasl() ? message.replace(security.password(), "***") : message));
        }
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Embedded Kafka broker stopped");
    }

    /**
     * Runs a broker as its own process: {@code EmbeddedKafka <dataDir> <port> <controllerPort>}; with
     * KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD in the environment it asks clients for that SCRAM-SHA-256 user.
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: broker <dataDir> <port> <controllerPort>");
            System.exit(2);
        }
        String user = System.getenv("KAFKA_SASL_USERNAME");
        KafkaSecurity security = user == null || user.isBlank() ? KafkaSecurity.PLAINTEXT
                : new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-256", user, System.getenv("KAFKA_SASL_PASSWORD"));
        EmbeddedKafka kafka = start(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]), security);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }));
        System.out.println("BROKER READY " + kafka.bootstrapServers());
        stopped.await();
    }
}

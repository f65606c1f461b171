package io.iotpipeline.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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
     * Where one broker of a cluster listens. The pipeline's embedded broker is a cluster of one ({@link #single});
     * the fault suite runs three, each a process of its own ({@link #main}).
     *
     * @param voters         every node's controller address, {@code id@host:port,...}
     * @param clusterId      the same for every node of a cluster (its log directories are formatted with it)
     * @param advertisedPort the port clients are told to use (another than {@code port} behind a proxy)
     * @param replicas       copies of the internal topics, and how many must acknowledge a write ({@code replicas - 1},
     *                       at least 1: {@code min.insync.replicas})
     */
    public record Node(int nodeId, int port, int controllerPort, int advertisedPort, String voters, String clusterId,
            int replicas) {

        public static Node single(int port, int controllerPort) {
            return new Node(1, port, controllerPort, port, "1@localhost:" + controllerPort, null, 1);
        }
    }

    /**
     * @param security PLAINTEXT, or SASL_PLAINTEXT with one SCRAM user: clients then need it, and the broker talks to
     *                 itself as that user; the KRaft controller listener asks for the same user through PLAIN.
     */
    public static EmbeddedKafka start(Path dataDirectory, int port, int controllerPort, KafkaSecurity security)
            throws IOException {
        return start(dataDirectory, Node.single(port, controllerPort), security);
    }

    /** The generated SCRAM user of the zero-install broker, in its data directory (owner-only). */
    public static final String CREDENTIALS = "iot-pipeline-credentials.properties";

    /**
     * The zero-install broker's login: with no SCRAM user configured (the plain default), a broker formatted here gets
     * a generated one, kept in {@value #CREDENTIALS}, so that other local users can neither publish around the
     * pipeline nor change or delete its topic. A data directory formatted by an earlier version has no user: it stays
     * PLAINTEXT, and the log says so once at start.
     */
    public static KafkaSecurity zeroInstallSecurity(Path dataDirectory, KafkaSecurity configured) throws IOException {
        Path dir = dataDirectory.toAbsolutePath();
        if (configured.sasl()) {
            return configured;
        }
        Optional<KafkaSecurity> stored = generatedSecurity(dir);
        if (stored.isPresent()) {
            return stored.get();
        }
        if (Files.exists(dir.resolve("meta.properties"))) {
            LOG.warn("The embedded Kafka broker in {} was made by an earlier version without a login: any local user can"
                    + " publish to it or change its topics (development only). Delete {} for a broker that asks for"
                    + " the generated SCRAM user", dir, dir);
            return configured;
        }
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        KafkaSecurity generated = new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-256", "iot-pipeline",
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        createPrivately(dir);
        Properties properties = new Properties();
        properties.setProperty("username", generated.username());
        properties.setProperty("password", generated.password());
        Path file = dir.resolve(CREDENTIALS);
        Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, "generated by iot-pipeline: the SCRAM-SHA-256 user of its embedded Kafka broker");
        }
        return generated;
    }

    /** The SCRAM user generated for a zero-install broker's data directory, if it has one. */
    public static Optional<KafkaSecurity> generatedSecurity(Path dataDirectory) throws IOException {
        Path file = dataDirectory.toAbsolutePath().resolve(CREDENTIALS);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (java.io.InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return Optional.of(new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-256", properties.getProperty("username"),
                properties.getProperty("password")));
    }

    private static void createPrivately(Path dir) throws IOException {
        var owner = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
        if (!Files.exists(dir)) {
            Files.createDirectories(dir);
        }
        Files.setPosixFilePermissions(dir, owner);
    }

    public static EmbeddedKafka start(Path dataDirectory, Node node, KafkaSecurity security) throws IOException {
        if (security.protocol().equals("SASL_SSL")) {
            throw new IllegalArgumentException("the embedded broker speaks PLAINTEXT or SASL_PLAINTEXT, not SASL_SSL:"
                    + " set kafka.brokers to a broker of yours for TLS");
        }
        Path logDir = dataDirectory.toAbsolutePath();
        createPrivately(logDir);
        Properties config = new Properties();
        String listener = security.sasl() ? "SASL_PLAINTEXT" : "PLAINTEXT";
        int port = node.port();
        int controllerPort = node.controllerPort();
        config.put("process.roles", "broker,controller");
        config.put("node.id", String.valueOf(node.nodeId()));
        config.put("controller.quorum.voters", node.voters());
        config.put("listeners", listener + "://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort);
        config.put("advertised.listeners", listener + "://localhost:" + node.advertisedPort());
        config.put("controller.listener.names", "CONTROLLER");
        config.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:" + listener);
        config.put("inter.broker.listener.name", listener);
        if (security.sasl()) {
            String mechanism = security.mechanism();
            config.put("sasl.enabled.mechanisms", mechanism);
            config.put("sasl.mechanism.inter.broker.protocol", mechanism);
            config.put("listener.name.sasl_plaintext." + mechanism.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    security.jaasConfig());
            // The controller cannot check SCRAM (its credentials live in the metadata it serves), so its listener asks
            // for the same user through PLAIN, whose credentials are in its own JAAS entry: an Admin client with
            // bootstrap.controllers and no credentials is refused like one on the broker port.
            config.put("sasl.mechanism.controller.protocol", "PLAIN");
            config.put("listener.name.controller.sasl.enabled.mechanisms", "PLAIN");
            config.put("listener.name.controller.plain.sasl.jaas.config", security.controllerJaasConfig());
        }
        String replicas = String.valueOf(node.replicas());
        String inSync = String.valueOf(Math.max(1, node.replicas() - 1));
        config.put("log.dirs", logDir.toString());
        config.put("num.partitions", "1");
        config.put("default.replication.factor", replicas);
        config.put("min.insync.replicas", inSync);
        config.put("offsets.topic.replication.factor", replicas);
        config.put("offsets.topic.num.partitions", "5");
        config.put("transaction.state.log.replication.factor", replicas);
        config.put("transaction.state.log.min.isr", inSync);
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("auto.create.topics.enable", "false");

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            format(config, logDir, security, node.clusterId() != null ? node.clusterId() : Uuid.randomUuid().toString());
        }
        long started = System.nanoTime();
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
        server.startup();
        String bootstrap = "localhost:" + node.advertisedPort();
        LOG.info("Embedded Kafka broker (KRaft) started in {} ms at {} ({}), data in {}."
                + " Set kafka.brokers=host:9092 (or KAFKA_BROKERS) to use your own Kafka instead",
                (System.nanoTime() - started) / 1_000_000, bootstrap, security, logDir);
        return new EmbeddedKafka(server, bootstrap);
    }

    /** Formats the log directory; the SCRAM user is written into the first metadata, as kafka-storage --add-scram does. */
    private static void format(Properties config, Path logDir, KafkaSecurity security, String clusterId)
            throws IOException {
        Path file = logDir.resolve("server.properties");
        Properties withoutSecrets = new Properties();
        withoutSecrets.putAll(config);
        withoutSecrets.keySet().removeIf(key -> key.toString().endsWith("sasl.jaas.config"));
        try (OutputStream out = Files.newOutputStream(file)) {
            withoutSecrets.store(out, "written by iot-pipeline for kafka-storage format");
        }
        java.util.List<String> arguments = new java.util.ArrayList<>(java.util.List.of("format", "-t",
                clusterId, "-c", file.toString(), "--ignore-formatted"));
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
     * Runs a broker as its own process: {@code broker <dataDir> <port> <controllerPort> [name=value ...]}, where the
     * names are those of {@link Node} ({@code nodeId}, {@code advertisedPort}, {@code voters}, {@code clusterId},
     * {@code replicas}) for one node of a cluster or a broker behind a proxy; with KAFKA_SASL_USERNAME and
     * KAFKA_SASL_PASSWORD in the environment it asks clients for that SCRAM-SHA-256 user.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: broker <dataDir> <port> <controllerPort> [nodeId=1] [advertisedPort=<port>]"
                    + " [voters=1@localhost:<controllerPort>] [clusterId=<new>] [replicas=1]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[1]);
        int controllerPort = Integer.parseInt(args[2]);
        java.util.Map<String, String> options = new java.util.HashMap<>();
        for (String option : java.util.Arrays.copyOfRange(args, 3, args.length)) {
            String[] pair = option.split("=", 2);
            if (pair.length != 2) {
                throw new IllegalArgumentException("not name=value: " + option);
            }
            options.put(pair[0], pair[1]);
        }
        Node single = Node.single(port, controllerPort);
        Node node = new Node(Integer.parseInt(options.getOrDefault("nodeId", "1")), port, controllerPort,
                Integer.parseInt(options.getOrDefault("advertisedPort", String.valueOf(port))),
                options.getOrDefault("voters", single.voters()), options.get("clusterId"),
                Integer.parseInt(options.getOrDefault("replicas", "1")));
        String user = System.getenv("KAFKA_SASL_USERNAME");
        KafkaSecurity security = user == null || user.isBlank() ? KafkaSecurity.PLAINTEXT
                : new KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-256", user, System.getenv("KAFKA_SASL_PASSWORD"));
        EmbeddedKafka kafka = start(Path.of(args[0]), node, security);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            kafka.close();
            stopped.countDown();
        }));
        System.out.println("BROKER READY " + kafka.bootstrapServers());
        stopped.await();
    }
}

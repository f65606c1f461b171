package io.iotpipeline.it;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.iotpipeline.embedded.EmbeddedDatabase;

/**
 * The pipeline as users deploy it: the jar the image ships ({@link #DEPLOYED_JAR}, without embedded servers) as its
 * own process, with the docker compose profile (deploy/pipeline.properties) and the compose variables, against a Kafka
 * broker in another process (the zero-install jar's {@code broker}) and an external PostgreSQL (the machine's own when
 * IOT_TEST_DB_URL is set, as in CI; otherwise a PostgreSQL server started here).
 * Process output goes to log files under the work directory.
 */
final class ProductionPath implements AutoCloseable {

    /** The jar the image deploys (the Dockerfile copies it): the pipelines run it, without any embedded server. */
    static final String DEPLOYED_JAR = System.getProperty("pipeline.service.jar", "target/iot-pipeline-service.jar");
    /** The zero-install jar: its {@code broker} command runs the Kafka brokers. */
    static final String ZERO_INSTALL_JAR = System.getProperty("pipeline.jar", "target/iot-pipeline.jar");
    /** The settings profile docker-compose.yml gives the app, and the variables it sets. */
    static final Path DEPLOYED_PROFILE = Path.of("deploy", "pipeline.properties").toAbsolutePath();
    static final Set<String> COMPOSE_APP_ENVIRONMENT =
            new java.util.TreeSet<>(List.of("KAFKA_BROKERS", "KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD", "DB_URL",
                    "DB_USER", "DB_PASSWORD", "INGEST_HTTP_APIKEY", "AUTH_READ_PASSWORD", "AUTH_OPERATE_PASSWORD"));

    final Path workDir;
    /** Where clients bootstrap: every broker's advertised address (through its link when there is one). */
    final String brokers;
    final String dbUrl;
    final String dbUser;
    final String dbPassword;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Path> logs = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<Process, Integer> httpPorts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<Broker> cluster = new ArrayList<>();
    private final int databasePort = EmbeddedServers.freePort();
    private int brokerStarts;
    /** The brokers of a cluster share it: their log directories are formatted with it. */
    private final String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
    private EmbeddedDatabase ownDatabase;
    /** Between the pipelines and the broker(s) / PostgreSQL when the test asked for them, else null. */
    final FaultyLink databaseLink;
    final List<FaultyLink> kafkaLinks = new ArrayList<>();
    /** The ingest API key the pipelines get (INGEST_HTTP_APIKEY): no log may ever show it. */
    final String apiKey = "key-" + java.util.UUID.randomUUID();
    /** The passwords of the read and operate users (AUTH_READ_PASSWORD, AUTH_OPERATE_PASSWORD): never logged. */
    final String readPassword = "read-" + java.util.UUID.randomUUID();
    final String operatePassword = "operate-" + java.util.UUID.randomUUID();
    /** The broker's SCRAM user, as the deployed profile's broker asks for one. */
    static final String KAFKA_USER = "iot-pipeline";
    final String kafkaPassword = "kafka-" + java.util.UUID.randomUUID();
    static final String READ_USER = "reader";
    static final String OPERATE_USER = "operator";
    private final Map<Process, Integer> managementPorts = new java.util.concurrent.ConcurrentHashMap<>();
    /** The database URL the pipelines get: through {@link #databaseLink} when there is one. */
    private final String pipelineDbUrl;

    /**
     * What a scenario runs against.
     *
     * @param ownDatabase start a PostgreSQL server of this test's own, even when the machine's is configured, so the
     *                    test may stop and start it ({@link #stopDatabase()})
     * @param databaseUrl a PostgreSQL of the test's own (user postgres, trusted), or null
     */
    record Setup(boolean ownDatabase, int brokers, boolean faultyLinks, String databaseUrl) {
        static final Setup SHARED = new Setup(false, 1, false, null);

        static Setup withOwnDatabase() {
            return new Setup(true, 1, false, null);
        }

        static Setup withBrokers(int count) {
            return new Setup(false, count, false, null);
        }

        static Setup withFaultyLinks() {
            return new Setup(false, 1, true, null);
        }

        static Setup withDatabase(String url) {
            return new Setup(false, 1, false, url);
        }
    }

    /** One Kafka broker process of the cluster, on the same ports and data each time it starts. */
    private static final class Broker {
        final int nodeId;
        final int port = EmbeddedServers.freePort();
        final int controllerPort = EmbeddedServers.freePort();
        int advertisedPort = port;
        Process process;

        Broker(int nodeId) throws IOException {
            this.nodeId = nodeId;
        }
    }

    ProductionPath(String name) throws Exception {
        this(name, Setup.SHARED);
    }

    ProductionPath(String name, Setup setup) throws Exception {
        workDir = Path.of("target", name).toAbsolutePath();
        deleteRecursively(workDir);
        Files.createDirectories(workDir);
        for (int id = 1; id <= setup.brokers(); id++) {
            Broker broker = new Broker(id);
            if (setup.faultyLinks()) {
                FaultyLink link = new FaultyLink("localhost", broker.port);
                kafkaLinks.add(link);
                broker.advertisedPort = link.port();
            }
            cluster.add(broker);
        }
        startBrokers();
        brokers = String.join(",", cluster.stream().map(b -> "localhost:" + b.advertisedPort).toList());

        String url = System.getenv("IOT_TEST_DB_URL");
        if (setup.databaseUrl() != null) {
            dbUrl = setup.databaseUrl();
            dbUser = "postgres";
            dbPassword = "db-secret-" + java.util.UUID.randomUUID(); // trusted: it only shows whether it is logged
        } else if (!setup.ownDatabase() && url != null && !url.isBlank()) {
            dbUrl = url;
            dbUser = System.getenv().getOrDefault("IOT_TEST_DB_USER", "iot");
            dbPassword = System.getenv().getOrDefault("IOT_TEST_DB_PASSWORD", "iot");
            rows().execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public");
        } else {
            startDatabase();
            dbUrl = this.ownDatabase.jdbcUrl();
            // its superuser: the fault scenarios move tables to other tablespaces; the generated password must
            // never reach a log
            dbUser = "postgres";
            dbPassword = this.ownDatabase.superuserPassword();
        }
        if (setup.faultyLinks()) {
            java.util.regex.Matcher server = java.util.regex.Pattern.compile("^jdbc:postgresql://([^:/]+):(\\d+)/(.*)$")
                    .matcher(dbUrl);
            if (!server.matches()) {
                throw new IllegalStateException("no host:port in " + dbUrl);
            }
            databaseLink = new FaultyLink(server.group(1), Integer.parseInt(server.group(2)));
            pipelineDbUrl = "jdbc:postgresql://localhost:" + databaseLink.port() + "/" + server.group(3);
        } else {
            databaseLink = null;
            pipelineDbUrl = dbUrl;
        }
    }

    /** Starts every broker that is not running (a cluster's nodes wait for each other's quorum), then waits for all. */
    void startBrokers() throws Exception {
        String voters = String.join(",", cluster.stream().map(b -> b.nodeId + "@localhost:" + b.controllerPort).toList());
        List<Broker> starting = new ArrayList<>();
        for (Broker broker : cluster) {
            if (broker.process != null && broker.process.isAlive()) {
                continue;
            }
            List<String> args = new ArrayList<>(List.of("broker", workDir.resolve("kafka-" + broker.nodeId).toString(),
                    String.valueOf(broker.port), String.valueOf(broker.controllerPort),
                    "nodeId=" + broker.nodeId, "advertisedPort=" + broker.advertisedPort, "voters=" + voters,
                    "replicas=" + cluster.size(), "clusterId=" + clusterId));
            broker.process = startJava("broker-" + broker.nodeId + "-" + ++brokerStarts, ZERO_INSTALL_JAR, List.of(), args,
                    Map.of("KAFKA_SASL_USERNAME", KAFKA_USER, "KAFKA_SASL_PASSWORD", kafkaPassword));
            processes.remove(broker.process); // stopped last, see close()
            starting.add(broker);
        }
        for (Broker broker : starting) {
            awaitLine(broker.process, "BROKER READY", Duration.ofSeconds(90));
        }
    }

    /** Stops the (first) broker as an operator would (SIGTERM, a controlled shutdown). */
    void stopBroker() throws Exception {
        Process broker = cluster.get(0).process;
        broker.toHandle().destroy();
        if (!broker.waitFor(90, TimeUnit.SECONDS)) {
            broker.destroyForcibly().waitFor();
        }
    }

    /** The KRaft controller port of the broker with this node id. */
    int controllerPort(int nodeId) {
        return cluster.get(nodeId - 1).controllerPort;
    }

    /** SIGKILLs the broker with this node id (no controlled shutdown: its partitions lose their leader at once). */
    void killBroker(int nodeId) throws Exception {
        Process broker = cluster.get(nodeId - 1).process;
        broker.destroyForcibly();
        broker.waitFor(30, TimeUnit.SECONDS);
    }

    void startDatabase() throws IOException {
        ownDatabase = EmbeddedDatabase.start(workDir.resolve("postgres"), databasePort);
    }

    /** Stops this test's own PostgreSQL server (pg_ctl stop, fast mode: open connections are cut). */
    void stopDatabase() {
        ownDatabase.close();
    }

    /**
     * Crashes this test's own PostgreSQL server: SIGKILL of the postmaster and of every process it started, so the
     * next start runs crash recovery from the WAL instead of finding a clean shutdown. Returns how many were killed.
     */
    int crashDatabase() throws Exception {
        int killed = ReplicatedPostgres.crash(workDir.resolve("postgres"));
        try {
            ownDatabase.close(); // nothing left to stop: this only releases the data directory's lock for the restart
        } catch (RuntimeException e) {
            // pg_ctl finds no server, as it should
        }
        return killed;
    }

    Rows rows() {
        return new Rows(dbUrl, dbUser, dbPassword);
    }

    /** What a Kafka client of this broker needs besides bootstrap.servers: the SCRAM login. */
    Map<String, Object> kafkaClientProperties() {
        return new io.iotpipeline.config.KafkaSecurity("SASL_PLAINTEXT", "SCRAM-SHA-256", KAFKA_USER, kafkaPassword)
                .clientProperties();
    }

    TopicContents topic(String name) {
        return new TopicContents(brokers, name, kafkaClientProperties());
    }

    /** Starts the jar as docker compose runs it, plus the test's -D settings (load, port), logging to name.log. */
    Process startPipeline(String name, List<String> settings) throws IOException {
        List<String> jvmArgs = new ArrayList<>(settings);
        int port = EmbeddedServers.freePort();
        int managementPort = EmbeddedServers.freePort();
        jvmArgs.add("-Dcamel.server.port=" + port);
        jvmArgs.add("-Dcamel.management.port=" + managementPort);
        Map<String, String> environment = Map.of("KAFKA_BROKERS", brokers, "KAFKA_SASL_USERNAME", KAFKA_USER,
                "KAFKA_SASL_PASSWORD", kafkaPassword, "DB_URL", pipelineDbUrl, "DB_USER", dbUser, "DB_PASSWORD", dbPassword,
                "INGEST_HTTP_APIKEY", apiKey, "AUTH_READ_PASSWORD", readPassword, "AUTH_OPERATE_PASSWORD", operatePassword);
        if (!COMPOSE_APP_ENVIRONMENT.equals(new java.util.TreeSet<>(environment.keySet()))) {
            throw new IllegalStateException("the compose variables changed: " + environment.keySet());
        }
        Process process = startJava(name, DEPLOYED_JAR, jvmArgs, List.of("--propertiesLocation=file:" + DEPLOYED_PROFILE),
                environment);
        httpPorts.put(process, port);
        managementPorts.put(process, managementPort);
        return process;
    }

    /**
     * The pipeline process's HTTP servers: /observe/... (health, metrics, Jolokia) on the management port the deployed
     * profile gives them, everything else (API, ingest, dashboard) on the server port.
     */
    java.net.URI http(Process pipeline, String path) {
        int port = path.startsWith("/observe") ? managementPorts.get(pipeline) : httpPorts.get(pipeline);
        return java.net.URI.create("http://localhost:" + port + path);
    }

    /** A request with the operate user's credentials (Jolokia, metrics, full health). */
    java.net.http.HttpRequest.Builder asOperator(Process pipeline, String path) {
        return java.net.http.HttpRequest.newBuilder(http(pipeline, path))
                .header("Authorization", basic(OPERATE_USER, operatePassword));
    }

    /** A request with the read user's credentials (API, dashboard). */
    java.net.http.HttpRequest.Builder asReader(Process pipeline, String path) {
        return java.net.http.HttpRequest.newBuilder(http(pipeline, path))
                .header("Authorization", basic(READ_USER, readPassword));
    }

    static String basic(String user, String password) {
        return "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    /** Every secret the pipelines were given: no log or response may show one. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(apiKey, readPassword, operatePassword, kafkaPassword));
        if (dbPassword.length() >= 12) {
            secrets.add(dbPassword);
        }
        return secrets;
    }

    private Process startJava(String name, String jar, List<String> jvmArgs, List<String> args,
            Map<String, String> environment) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(new File(jar).getAbsolutePath());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path log = workDir.resolve(name + ".log");
        // which jar ran (not the -D settings: one may be a key)
        Files.writeString(log, "$ java -jar " + jar + " " + String.join(" ", args) + System.lineSeparator(),
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        Process process = builder.start();
        processes.add(process);
        // copy the output to a log file while tests look for lines in it
        Thread copier = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    Files.writeString(log, line + System.lineSeparator(), StandardCharsets.UTF_8,
                            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, name + "-output");
        copier.setDaemon(true);
        copier.start();
        logs.put(process, log);
        return process;
    }

    Path log(Process process) {
        return logs.get(process);
    }

    void awaitLine(Process process, String text, Duration timeout) throws Exception {
        Path log = logs.get(process);
        Eventually.await(timeout, "'" + text + "' in " + log, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("process ended early, see " + log);
            }
            return Files.exists(log) && Files.readString(log).contains(text);
        });
    }

    /** Throws when any process's log shows the API key or a distinctive database password. */
    void assertNoSecretInLogs() throws IOException {
        for (Path log : logs.values()) {
            String text = Files.exists(log) ? Files.readString(log) : "";
            for (String secret : secrets()) {
                if (text.contains(secret)) {
                    throw new AssertionError("a secret was logged in " + log);
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        // the pipelines first, then the broker and the database they use
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            process.waitFor(30, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
        for (Broker broker : cluster) {
            if (broker.process != null && broker.process.isAlive()) {
                broker.process.destroy();
            }
        }
        for (Broker broker : cluster) {
            if (broker.process != null) {
                broker.process.waitFor(30, TimeUnit.SECONDS);
                broker.process.destroyForcibly();
            }
        }
        for (FaultyLink link : kafkaLinks) {
            link.close();
        }
        if (databaseLink != null) {
            databaseLink.close();
        }
        if (ownDatabase != null) {
            ownDatabase.close();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}

package io.iotpipeline.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.util.Properties;

/**
 * Settings that start the pipeline's embedded Kafka broker and PostgreSQL on free ports with fresh data directories,
 * and clients for both, so tests in one JVM never collide with each other or with a running pipeline.
 */
record EmbeddedServers(int kafkaPort, int dbPort, int httpPort, Properties properties) {

    static EmbeddedServers onFreePorts(String name) throws IOException {
        var dataDir = Files.createTempDirectory(name);
        int kafkaPort = freePort();
        int dbPort = freePort();
        int httpPort = freePort();
        Properties props = new Properties();
        props.put("camel.server.port", String.valueOf(httpPort));
        props.put("kafka.embedded.port", String.valueOf(kafkaPort));
        props.put("kafka.embedded.controllerPort", String.valueOf(freePort()));
        props.put("kafka.embedded.dataDir", dataDir.resolve("kafka").toString());
        props.put("db.embedded.port", String.valueOf(dbPort));
        props.put("db.embedded.dataDir", dataDir.resolve("postgres").toString());
        return new EmbeddedServers(kafkaPort, dbPort, httpPort, props);
    }

    /** The pipeline in this JVM on these servers, with the given settings on top of the defaults. */
    org.apache.camel.main.Main startPipeline() throws Exception {
        return startPipeline(new Properties());
    }

    /** The pipeline on these servers, with these settings over the servers' own. */
    org.apache.camel.main.Main startPipeline(Properties settings) throws Exception {
        Properties all = new Properties();
        all.putAll(properties);
        all.putAll(settings);
        org.apache.camel.main.Main main = io.iotpipeline.Application.camelMain();
        main.setOverrideProperties(all);
        main.start();
        return main;
    }

    /** The topic, with the SCRAM user the pipeline generated for its embedded broker. */
    TopicContents topic() {
        try {
            var security = io.iotpipeline.embedded.EmbeddedKafka.generatedSecurity(java.nio.file.Path.of(
                    properties.getProperty("kafka.embedded.dataDir"))).orElseThrow();
            return new TopicContents("localhost:" + kafkaPort, "device_stream", security.clientProperties());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The database as its superuser, with the password the pipeline generated in the data directory. */
    Rows rows() {
        try {
            String password = io.iotpipeline.embedded.EmbeddedDatabase.Credentials.of(java.nio.file.Path.of(
                    properties.getProperty("db.embedded.dataDir"))).orElseThrow().superuserPassword();
            return new Rows("jdbc:postgresql://localhost:" + dbPort + "/postgres", "postgres", password);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

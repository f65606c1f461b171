package io.iotpipeline.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/**
 * Debian's Mosquitto on a free loopback port, for the MQTT tests, and a client that publishes to it at QoS 1; with a
 * user, it refuses anonymous clients, as a deployment with access control on must.
 */
final class Mosquitto implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    final int port;
    final String user;
    final String password;
    private final Path log;
    private Process process;

    Mosquitto(Path log) throws Exception {
        this(log, null, null);
    }

    /** A broker that lets in only this user (null: anyone). */
    Mosquitto(Path log, String user, String password) throws Exception {
        this.port = EmbeddedServers.freePort();
        this.log = log;
        this.user = user;
        this.password = password;
        start();
    }

    static boolean available() {
        return java.nio.file.Files.isExecutable(BINARY) || System.getenv("CI_REQUIRE_MQTT") != null;
    }

    String url() {
        return "tcp://localhost:" + port;
    }

    void start() throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(BINARY.toString()));
        if (user == null) {
            command.addAll(java.util.List.of("-p", String.valueOf(port)));
        } else {
            Path passwords = log.resolveSibling("mosquitto.passwd");
            Process add = new ProcessBuilder("mosquitto_passwd", "-c", "-b", passwords.toString(), user, password)
                    .redirectErrorStream(true).redirectOutput(log.resolveSibling("mosquitto_passwd.log").toFile()).start();
            if (!add.waitFor(20, TimeUnit.SECONDS) || add.exitValue() != 0) {
                throw new IllegalStateException("mosquitto_passwd failed: see " + log.resolveSibling("mosquitto_passwd.log"));
            }
            Path config = log.resolveSibling("mosquitto.conf");
            java.nio.file.Files.writeString(config, "listener " + port + "\nallow_anonymous false\n"
                    + "password_file " + passwords + "\n");
            command.addAll(java.util.List.of("-c", config.toString()));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Eventually.await(Duration.ofSeconds(20), "mosquitto listening", () -> {
            try (var socket = new java.net.Socket("localhost", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    void stop() throws InterruptedException {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void publish(String topic, String... payloads) throws Exception {
        MqttClient client = new MqttClient(url(), "publisher-" + UUID.randomUUID(), new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(5);
        if (user != null) {
            options.setUserName(user);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        client.connect(options);
        for (String payload : payloads) {
            client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        }
        client.disconnect();
        client.close();
    }

    @Override
    public void close() throws Exception {
        if (process != null) {
            stop();
        }
    }
}

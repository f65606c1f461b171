package io.iotpipeline.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;

/** Debian's Mosquitto on a free loopback port, for the MQTT tests, and a client that publishes to it at QoS 1. */
final class Mosquitto implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/mosquitto");

    final int port;
    private final Path log;
    private Process process;

    Mosquitto(Path log) throws Exception {
        this.port = EmbeddedServers.freePort();
        this.log = log;
        start();
    }

    static boolean available() {
        return java.nio.file.Files.isExecutable(BINARY) || System.getenv("CI_REQUIRE_MQTT") != null;
    }

    String url() {
        return "tcp://localhost:" + port;
    }

    void start() throws Exception {
        process = new ProcessBuilder(BINARY.toString(), "-p", String.valueOf(port)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
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

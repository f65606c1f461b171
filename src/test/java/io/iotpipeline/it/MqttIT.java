package io.iotpipeline.it;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.iotpipeline.TestEvent;
import org.apache.camel.main.Main;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * MQTT ingest against a real Mosquitto broker (Debian's, started here on a free loopback port) and the embedded, real
 * Kafka and PostgreSQL: events published over MQTT become rows, malformed messages dead letters, and a broker restart
 * is survived.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MqttIT {

    static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

    private int port;
    private Process mosquitto;
    private Main main;
    private Rows rows;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO) || System.getenv("CI_REQUIRE_MQTT") != null,
                "Debian's mosquitto is not installed");
        port = EmbeddedServers.freePort();
        startMosquitto();
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-mqtt-it");
        servers.properties().put("simulator.enabled", "false");
        servers.properties().put("mqtt.enabled", "true");
        servers.properties().put("mqtt.brokerUrl", "tcp://localhost:" + port);
        servers.properties().put("mqtt.clientId", "iot-pipeline-it-" + UUID.randomUUID());
        main = servers.startPipeline();
        rows = servers.rows();
    }

    @AfterAll
    void stop() throws Exception {
        if (main != null) {
            main.stop();
        }
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private void startMosquitto() throws Exception {
        mosquitto = new ProcessBuilder(MOSQUITTO.toString(), "-p", String.valueOf(port)).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "mosquitto-it.log").toFile()).start();
        Eventually.await(Duration.ofSeconds(20), "mosquitto listening", () -> {
            try (var socket = new java.net.Socket("localhost", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        });
    }

    @Test
    void eventsOverMqttBecomeRowsMalformedOnesDeadLettersAndABrokerRestartIsSurvived() throws Exception {
        String first = UUID.randomUUID().toString();
        publish("devices/D001/events", TestEvent.of(first).customer("CI00800").device("D001", 21.5, "C", "SUCCESS").json());
        publish("devices/D001/events", "{\"eventId\": not json");
        Eventually.await(Duration.ofSeconds(60), "the MQTT event's row",
                () -> rows.count("select count(*) from iot_device_events where eventId = '" + first + "'") == 1);
        Eventually.await(Duration.ofSeconds(30), "the malformed message's dead letter", () -> rows.count(
                "select count(*) from iot_dead_letters where kafkaTopic = 'mqtt:devices/D001/events'"
                        + " and reason like 'MQTT message: the body is not JSON%'") == 1);

        mosquitto.destroy();
        assertTrue(mosquitto.waitFor(10, TimeUnit.SECONDS));
        Thread.sleep(2000);
        startMosquitto();
        String second = UUID.randomUUID().toString();
        Eventually.await(Duration.ofSeconds(90), "an event published after the broker restart stored", () -> {
            publish("devices/D002/events", TestEvent.of(second).customer("CI00800").device("D001", 21.5, "C", "SUCCESS").json());
            return rows.count("select count(*) from iot_device_events where eventId = '" + second + "'") == 1;
        });
        assertEquals(1, rows.count("select count(*) from iot_dead_letters where kafkaTopic like 'mqtt:%'"));
    }

    private void publish(String topic, String payload) throws Exception {
        MqttClient client = new MqttClient("tcp://localhost:" + port, "publisher-" + UUID.randomUUID(),
                new MemoryPersistence());
        MqttConnectionOptions options = new MqttConnectionOptions();
        options.setConnectionTimeout(5);
        client.connect(options);
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        client.disconnect();
        client.close();
    }

}

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

    private Mosquitto mosquitto;
    private Main main;
    private Rows rows;

    @BeforeAll
    void start() throws Exception {
        Assumptions.assumeTrue(Mosquitto.available(), "Debian's mosquitto is not installed");
        mosquitto = new Mosquitto(Path.of("target", "mosquitto-it.log"));
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-mqtt-it");
        servers.properties().put("simulator.enabled", "false");
        servers.properties().put("mqtt.enabled", "true");
        servers.properties().put("mqtt.brokerUrl", mosquitto.url());
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
            mosquitto.close();
        }
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

        mosquitto.stop();
        Thread.sleep(2000);
        mosquitto.start();
        String second = UUID.randomUUID().toString();
        Eventually.await(Duration.ofSeconds(90), "an event published after the broker restart stored", () -> {
            publish("devices/D002/events", TestEvent.of(second).customer("CI00800").device("D001", 21.5, "C", "SUCCESS").json());
            return rows.count("select count(*) from iot_device_events where eventId = '" + second + "'") == 1;
        });
        assertEquals(1, rows.count("select count(*) from iot_dead_letters where kafkaTopic like 'mqtt:%'"));
    }

    private void publish(String topic, String payload) throws Exception {
        mosquitto.publish(topic, payload);
    }

}

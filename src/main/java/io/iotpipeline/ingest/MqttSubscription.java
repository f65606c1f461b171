package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;

import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.store.StoreFailure;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.Service;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small consumer around the Paho MQTT v5 client: subscribes with QoS 1 in a persistent session (clean start off),
 * hands each message to {@code direct:mqtt-event} and acknowledges it only when that route has finished, i.e. Kafka
 * has the events or the dead letter is stored ({@link #messageArrived}). Reconnects by itself after a broker restart.
 */
public final class MqttSubscription implements Service, MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscription.class);

    private final CamelContext context;
    private final String brokerUrl;
    private final String topic;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final MqttAsyncClient client;
    private final PipelineCounters counters;
    private ProducerTemplate producer;
    private volatile boolean running;

    public MqttSubscription(CamelContext context, String brokerUrl, String topic, String clientId, String username,
            String password, long sessionExpirySeconds, PipelineCounters counters) throws MqttException {
        this.context = context;
        this.counters = counters;
        this.brokerUrl = brokerUrl;
        this.topic = topic;
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(this);
        options.setCleanStart(false);
        options.setSessionExpiryInterval(sessionExpirySeconds);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 10);
        if (!username.isBlank()) {
            options.setUserName(username);
            options.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void start() {
        producer = context.createProducerTemplate();
        running = true;
        try {
            client.connect(options).waitForCompletion(30_000);
        } catch (MqttException e) {
            // automatic reconnect keeps trying; the subscription is made in connectComplete
            LOG.warn("MQTT broker {} not reachable yet ({}); retrying in the background", brokerUrl, e.getMessage());
        }
    }

    @Override
    public void stop() {
        running = false;
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(5_000);
            }
            client.close();
        } catch (MqttException e) {
            LOG.warn("Could not close the MQTT client cleanly: {}", e.getMessage());
        }
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
        try {
            client.subscribe(topic, 1).waitForCompletion(30_000);
            LOG.info("MQTT: {} to {}, subscribed to {} (QoS 1)", reconnect ? "reconnected" : "connected", serverUri, topic);
        } catch (MqttException e) {
            LOG.error("MQTT: could not subscribe to {}: {}", topic, e.getMessage());
        }
    }

    /**
     * Stores the message (events to Kafka, or a dead letter) before acknowledging it. While Kafka or PostgreSQL is away
     * the same message is tried again with backoff, holding back the ones after it (MQTT's flow control), and never
     * acknowledged unstored. A message that fails for any other reason could never be stored, not even as a dead letter:
     * it is acknowledged, logged and counted ({@code iot_inputs_dropped}), so it can neither block the subscription
     * nor come back after a restart.
     */
    @Override
    public void messageArrived(String messageTopic, MqttMessage message) {
        long backoffMs = 100;
        while (running) {
            try {
                producer.sendBodyAndHeader("direct:mqtt-event", message.getPayload(), "mqttTopic", messageTopic);
                acknowledge(message);
                return;
            } catch (Exception e) {
                if (!StoreFailure.isTransient(e)) {
                    counters.inputDropped();
                    LOG.error("MQTT message of {} bytes on a topic of {} characters could not be stored, not even as a"
                            + " dead letter ({}); acknowledged and counted in iot_inputs_dropped", message.getPayload()
                            .length, messageTopic.length(), StoreFailure.firstLine(e));
                    acknowledge(message);
                    return;
                }
                LOG.warn("MQTT message not stored yet ({}); trying again in {} ms", StoreFailure.firstLine(e), backoffMs);
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 5_000);
            }
        }
    }

    private void acknowledge(MqttMessage message) {
        try {
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (MqttException e) {
            LOG.warn("MQTT: could not acknowledge a message ({}); the broker will deliver it again", e.getMessage());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        LOG.warn("MQTT: disconnected from {} ({}); reconnecting", brokerUrl, response.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("MQTT error: {}", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
    }
}

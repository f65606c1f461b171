package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;

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
 * has the events or the dead letter is stored. A message whose route fails is not acknowledged, so the broker
 * delivers it again on the next connection. Reconnects by itself after a broker restart.
 */
public final class MqttSubscription implements Service, MqttCallback {

    private static final Logger LOG = LoggerFactory.getLogger(MqttSubscription.class);

    private final CamelContext context;
    private final String brokerUrl;
    private final String topic;
    private final MqttConnectionOptions options = new MqttConnectionOptions();
    private final MqttAsyncClient client;
    private ProducerTemplate producer;

    public MqttSubscription(CamelContext context, String brokerUrl, String topic, String clientId, String username,
            String password, long sessionExpirySeconds) throws MqttException {
        this.context = context;
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
        try {
            client.connect(options).waitForCompletion(30_000);
        } catch (MqttException e) {
            // automatic reconnect keeps trying; the subscription is made in connectComplete
            LOG.warn("MQTT broker {} not reachable yet ({}); retrying in the background", brokerUrl, e.getMessage());
        }
    }

    @Override
    public void stop() {
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

    @Override
    public void messageArrived(String messageTopic, MqttMessage message) {
        try {
            producer.sendBodyAndHeader("direct:mqtt-event", message.getPayload(), "mqttTopic", messageTopic);
            client.messageArrivedComplete(message.getId(), message.getQos());
        } catch (Exception e) {
            LOG.warn("MQTT message on {} not accepted, left unacknowledged for redelivery: {}", messageTopic,
                    e.getMessage());
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

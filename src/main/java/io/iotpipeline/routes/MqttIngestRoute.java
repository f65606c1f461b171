package io.iotpipeline.routes;

import io.iotpipeline.ingest.KafkaEndpoints;
import io.iotpipeline.ingest.MqttEvents;
import org.apache.camel.builder.RouteBuilder;

/**
 * MQTT ingest: each message {@link io.iotpipeline.ingest.MqttSubscription} receives (one event or an array) is
 * checked like {@code POST /api/events}. The valid events are published to Kafka (acks=all, idempotent), the invalid
 * ones stored as dead letters with their reasons (nobody waits for an answer on MQTT); the subscription acknowledges
 * the message only after this route has finished.
 */
public class MqttIngestRoute extends RouteBuilder {

    @Override
    public void configure() {
        from("direct:mqtt-event").routeId("mqtt-ingest")
                .bean("mqttEvents", "judge").id("judge-mqtt-event")
                .split(exchangeProperty(MqttEvents.DEAD_LETTERS)).id("split-mqtt-dead-letters")
                    .to("direct:store-dead-letter").id("store-mqtt-dead-letter")
                .end()
                .filter(simple("${body.size} > 0")).id("when-events-accepted")
                    .to(KafkaEndpoints.PUBLISH_EVENTS).id("publish-mqtt-events")
                .end();
    }
}

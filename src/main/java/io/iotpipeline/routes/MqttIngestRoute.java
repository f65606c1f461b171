package io.iotpipeline.routes;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.PostedEvents;
import io.iotpipeline.domain.ReadingRules;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * MQTT ingest: each message {@link io.iotpipeline.platform.MqttSubscription} receives (one event or an array) is
 * checked like {@code POST /api/events}. The valid events are published to Kafka (acks=all, idempotent), the invalid
 * ones stored as dead letters with their reasons (nobody waits for an answer on MQTT); the subscription acknowledges
 * the message only after this route has finished.
 */
public class MqttIngestRoute extends RouteBuilder {

    static final String DEAD_LETTERS = "mqttDeadLetters";

    @Override
    public void configure() {
        HttpIngestRoute.Limits limits = HttpIngestRoute.Limits.of(getContext());
        from("direct:mqtt-event").routeId("mqtt-ingest")
                .process(exchange -> judge(exchange, limits)).id("judge-mqtt-event")
                .split(exchangeProperty(DEAD_LETTERS))
                    .to("direct:store-dead-letter")
                .end()
                .filter(simple("${body.size} > 0"))
                    .to(KafkaEndpoints.PUBLISH_EVENTS).id("publish-mqtt-events")
                .end();
    }

    /** The body becomes the Kafka records of the valid events; the dead letters go in a property. */
    static void judge(Exchange exchange, HttpIngestRoute.Limits limits) throws Exception {
        byte[] payload = exchange.getMessage().getBody(byte[].class);
        String topic = exchange.getMessage().getHeader("mqttTopic", String.class);
        String text = new String(payload == null ? new byte[0] : payload, StandardCharsets.UTF_8);
        SourceRecord source = new SourceRecord("mqtt:" + topic, 0, 0, null, text);
        // the same message delivered twice gives the same key, so it is one dead letter
        String key = "mqtt:" + topic + "#" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest((topic + "\n" + text).getBytes(StandardCharsets.UTF_8)));
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<PostedEvents.Accepted> accepted = List.of();
        var registry = exchange.getContext().getRegistry();
        try {
            PostedEvents events = PostedEvents.judge(payload == null ? new byte[0] : payload,
                    registry.lookupByNameAndType("readingRules", ReadingRules.class), limits.maxEventsPerRequest(),
                    limits.maxEventBytes());
            accepted = events.accepted();
            for (PostedEvents.Rejected rejected : events.rejected()) {
                deadLetters.add(new DeadLetter(key + "#" + rejected.index(), "MQTT event " + rejected.index() + ": "
                        + String.join("; ", rejected.reasons()), text, rejected.eventId(), null, source));
            }
        } catch (PostedEvents.UnreadableRequestException | PostedEvents.TooManyEventsException e) {
            deadLetters.add(new DeadLetter(key, "MQTT message: " + e.getMessage(), text, null, null, source));
        }
        PipelineCounters.of(exchange).eventsPublished(accepted.size());
        exchange.setProperty(DEAD_LETTERS, deadLetters);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(HttpIngestRoute.keyedByCustomer(exchange.getContext(), accepted));
    }
}

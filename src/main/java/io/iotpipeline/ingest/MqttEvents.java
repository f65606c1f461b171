package io.iotpipeline.ingest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.SourceRecord;
import io.iotpipeline.ops.PipelineCounters;
import org.apache.camel.Exchange;

/** The step of the mqtt-ingest route (bean {@code mqttEvents}): one MQTT message judged into records and dead letters. */
public final class MqttEvents {

    /** Exchange property: the message's dead letters. */
    public static final String DEAD_LETTERS = "mqttDeadLetters";

    private final PostedLimits limits;
    private final ReadingRules rules;
    private final Clock clock;
    private final PipelineCounters totals;

    public MqttEvents(PostedLimits limits, ReadingRules rules, Clock clock, PipelineCounters totals) {
        this.rules = rules;
        this.clock = clock;
        this.limits = limits;
        this.totals = totals;
    }

    /** The body becomes the Kafka records of the valid events; the dead letters go in a property. */
    public void judge(Exchange exchange) throws Exception {
        byte[] payload = exchange.getMessage().getBody(byte[].class);
        String topic = exchange.getMessage().getHeader("mqttTopic", String.class);
        String text = new String(payload == null ? new byte[0] : payload, StandardCharsets.UTF_8);
        SourceRecord source = new SourceRecord("mqtt:" + topic, 0, 0, null, text);
        // the same message delivered twice gives the same key, so it is one dead letter
        String key = "mqtt:" + topic + "#" + HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest((topic + "\n" + text).getBytes(StandardCharsets.UTF_8)));
        List<DeadLetter> deadLetters = new ArrayList<>();
        List<PostedEvents.Accepted> accepted = List.of();
        try {
            PostedEvents events = PostedEvents.judge(payload == null ? new byte[0] : payload, rules, limits,
                    PipelineClock.nowUtc(clock));
            accepted = events.accepted();
            for (PostedEvents.Rejected rejected : events.rejected()) {
                deadLetters.add(new DeadLetter(key + "#" + rejected.index(), "MQTT event " + rejected.index() + ": "
                        + String.join("; ", rejected.reasons()), text, rejected.eventId(), null, source));
            }
        } catch (PostedEvents.UnreadableRequestException | PostedEvents.TooManyEventsException e) {
            deadLetters.add(new DeadLetter(key, "MQTT message: " + e.getMessage(), text, null, null, source));
        }
        totals.eventsPublished(accepted.size());
        exchange.setProperty(DEAD_LETTERS, deadLetters);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(EventRecords.of(exchange, accepted));
    }
}

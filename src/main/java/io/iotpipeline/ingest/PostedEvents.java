package io.iotpipeline.ingest;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceEvent;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.domain.SourceRecord;

/**
 * The body of {@code POST /api/events}: one event object or an array of them, judged by the same rules as the
 * ingest stage (event fields and every device). A request is all or nothing: when any event is rejected none is
 * published, so a client never has to work out which half of its request went through; re-sending is always safe.
 */
public final class PostedEvents {

    /** An event ready to publish: its key on Kafka, its JSON as sent (compacted), and the readings it will be. */
    public record Accepted(String eventId, String customerId, String json, List<DeviceReading> readings)
            implements io.iotpipeline.domain.EventToPublish {
    }

    /** Why an event cannot be accepted (empty when it can), and the readings it makes. */
    private record Judged(List<String> reasons, List<DeviceReading> readings) {
    }

    /** Why the event at {@code index} of the request (0 for a single object) cannot be accepted. */
    public record Rejected(int index, String eventId, List<String> reasons) {
    }

    /** The request as a whole could not be read: not JSON, not an event or array, or too many events. */
    public static final class UnreadableRequestException extends Exception {
        public UnreadableRequestException(String message) {
            super(message);
        }
    }

    /** Too many events in one request, or one too large for a Kafka record: the client must split or shrink it. */
    public static final class TooManyEventsException extends Exception {
        public TooManyEventsException(String message) {
            super(message);
        }
    }

    /**
     * A request body is one JSON value: text after it (a second event glued on, stray tokens) would be dropped without
     * a word by a lenient reader, and a key given twice would keep only one of its values.
     */
    private static final ObjectReader STRICT = EventJson.MAPPER.reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .with(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final List<Accepted> accepted;
    private final List<Rejected> rejected;

    private PostedEvents(List<Accepted> accepted, List<Rejected> rejected) {
        this.accepted = accepted;
        this.rejected = rejected;
    }

    public List<Accepted> accepted() {
        return accepted;
    }

    public List<Rejected> rejected() {
        return rejected;
    }

    /** Whether every event passed and the request may be published. */
    public boolean allAccepted() {
        return rejected.isEmpty();
    }

    /** Whether a Content-Type names JSON exactly: {@code application/json}, with at most a UTF-8 charset. */
    public static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String[] parts = contentType.split(";", -1);
        if (!parts[0].trim().equalsIgnoreCase("application/json") || parts.length > 2) {
            return false;
        }
        if (parts.length == 1) {
            return true;
        }
        String parameter = parts[1].trim().toLowerCase(java.util.Locale.ROOT).replace("\"", "");
        return parameter.equals("charset=utf-8");
    }

    /**
     * @param maxEventBytes the most one event may take as a Kafka record (ingest.http.maxEventBytes): a larger one could
     *                      never be published, so the request is refused at once instead of failing on every retry
     */
    public static PostedEvents judge(byte[] body, ReadingRules rules, PostedLimits limits, java.time.LocalDateTime now)
            throws UnreadableRequestException, TooManyEventsException {
        int maxEvents = limits.maxEventsPerRequest();
        int maxEventBytes = limits.maxEventBytes();
        try {
            RecordValue.check(body, Integer.MAX_VALUE);
        } catch (InvalidEventException e) {
            throw new UnreadableRequestException(e.getMessage().replace("the event is", "the body is"));
        }
        JsonNode root;
        try {
            root = STRICT.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UnreadableRequestException("the body is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UnreadableRequestException("the body is not JSON: " + e.getMessage());
        }
        List<JsonNode> events = new ArrayList<>();
        if (root != null && root.isArray()) {
            root.forEach(events::add);
        } else if (root != null && root.isObject()) {
            events.add(root);
        } else {
            throw new UnreadableRequestException("the body must be one event object or an array of events");
        }
        if (events.isEmpty()) {
            throw new UnreadableRequestException("the array holds no event");
        }
        if (events.size() > maxEvents) {
            throw new TooManyEventsException(events.size() + " events in one request, at most " + maxEvents
                    + " are accepted: split the request");
        }

        List<Accepted> accepted = new ArrayList<>(events.size());
        List<Rejected> rejected = new ArrayList<>();
        Set<String> eventIds = new HashSet<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode node = events.get(i);
            String eventId = node.path("eventId").isTextual() ? node.path("eventId").asText() : null;
            Judged judged = judged(node, rules, limits.eventTimes(), now);
            List<String> reasons = judged.reasons();
            // one UUID in upper and in lower case is one eventId
            if (reasons.isEmpty() && !eventIds.add(eventId.toLowerCase(java.util.Locale.ROOT))) {
                reasons = List.of("eventId " + ReadingRules.quote(eventId) + " appears twice in the request");
            }
            String json = node.toString();
            int bytes = json.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (bytes > maxEventBytes) {
                throw new TooManyEventsException("the event at index " + i + " is " + bytes + " bytes as JSON, one Kafka"
                        + " record holds at most " + maxEventBytes + " (ingest.http.maxEventBytes): make it smaller");
            }
            if (reasons.isEmpty()) {
                accepted.add(new Accepted(eventId, node.get("customerId").asText(), json, judged.readings()));
            } else {
                rejected.add(new Rejected(i, eventId, reasons));
            }
        }
        return new PostedEvents(accepted, rejected);
    }

    /** Why the ingest stage would not store all readings of this event (none when it would), and its readings. */
    private static Judged judged(JsonNode node, ReadingRules rules, EventTimeWindow eventTimes,
                                 java.time.LocalDateTime now) {
        if (!node.isObject()) {
            return new Judged(List.of("not an event object"), List.of());
        }
        DeviceEvent event;
        try {
            event = EventJson.MAPPER.treeToValue(node, DeviceEvent.class);
        } catch (JsonProcessingException e) {
            return new Judged(List.of("not a readable event: " + e.getOriginalMessage()), List.of());
        }
        List<String> reasons = new ArrayList<>();
        List<DeviceReading> readings = List.of();
        try {
            SourceRecord request = new SourceRecord("http", 0, 0, null, null);
            ReadingRules.CheckedEvent checked = ReadingRules.checkEvent(event);
            String timeProblem = eventTimes.problem(checked.eventTime(), now);
            if (timeProblem != null) {
                reasons.add(timeProblem);
            }
            ReadingRules.EventReadings split = rules.readings(checked, request);
            for (DeadLetter deadLetter : split.deadLetters()) {
                reasons.add(deadLetter.reason());
            }
            readings = split.readings();
        } catch (InvalidEventException e) {
            reasons.add(e.getMessage());
        }
        return new Judged(reasons, readings);
    }
}

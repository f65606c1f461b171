package io.iotpipeline.ingest;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.access.Credentials;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.store.ReadingColumns;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * The steps of the http-ingest route (bean {@code httpEvents}): judge a POST /api/events request, its accepted events
 * as Kafka records, and the answer to the client.
 */
public final class HttpEvents {

    /** Exchange property: the request's events, once every one of them is accepted. */
    public static final String ACCEPTED = "acceptedEvents";

    private final PostedLimits limits;
    private final ReadingRules rules;
    private final Clock clock;
    private final Credentials credentials;
    private final PipelineCounters totals;

    /**
     * @param credentials what each ingest key may post (the guard in front checked that the key is one)
     * @param clock       the pipeline clock, which judges how far in the future an event time may be
     */
    public HttpEvents(PostedLimits limits, ReadingRules rules, Clock clock, Credentials credentials,
            PipelineCounters totals) {
        this.limits = limits;
        this.rules = rules;
        this.clock = clock;
        this.credentials = credentials;
        this.totals = totals;
    }

    /** Answers 400, 413 or 415 when the request cannot be accepted; otherwise leaves the events to publish. */
    public void judge(Exchange exchange) throws Exception {
        checkRequest(exchange);
    }

    /**
     * The accepted events' readings as the columns {@code statements/posted-readings-refused.sql} reads (those of
     * store_readings up to extraFields, then each reading's stream again), to find the ones the consumer would refuse
     * for what is stored already or for an eventOffset far from its stream's.
     */
    public List<Object> postedReadings(Exchange exchange) {
        List<io.iotpipeline.domain.DeviceReading> readings = new java.util.ArrayList<>();
        for (Object accepted : exchange.getProperty(ACCEPTED, List.class)) {
            readings.addAll(((PostedEvents.Accepted) accepted).readings());
        }
        List<Object> columns = ReadingColumns.of(readings, null);
        List<Object> parameters = new java.util.ArrayList<>(columns.subList(0, 12));
        // the request's streams once more (customerId, eventPublisher, eventOffset): a new stream's range
        parameters.addAll(List.of(columns.get(1), columns.get(3), columns.get(2)));
        return parameters;
    }

    /**
     * 409 when the consumer would refuse a reading of the request for what is stored already: its (eventId,
     * deviceId) stored with another eventTime or other values (a reading is stored once), or an eventOffset far
     * outside its stream's offsets (streams.maxOffsetJump). The body lists them; nothing is published, so 202 keeps
     * meaning stored. An exact re-post is no conflict and is accepted again.
     */
    public void refuseConflicts(Exchange exchange) throws JsonProcessingException {
        List<?> conflicts = exchange.getMessage().getBody(List.class);
        if (conflicts == null || conflicts.isEmpty()) {
            return;
        }
        exchange.removeProperty(ACCEPTED);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("error", conflicts.size() + " readings of the request conflict with what is stored, so none was"
                + " published: a reading (eventId, deviceId) is stored once");
        answer.put("conflicts", conflicts);
        answer(exchange, 409, answer);
    }

    public List<Message> records(Exchange exchange) {
        return EventRecords.of(exchange, exchange.getProperty(ACCEPTED, List.class));
    }

    /** 202 with the accepted eventIds, once Kafka has every one. */
    public void answerAccepted(Exchange exchange) throws Exception {
        answerWithAccepted(exchange);
    }

    /** 503: Kafka did not take the events in time; none was accepted. */
    public void answerUnavailable(Exchange exchange) throws Exception {
        PublishFailures.of(exchange.getContext()).failed(exchange);
        answer(exchange, 503, Map.of("error",
                "the events could not be published to Kafka, none was accepted; retry later"));
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    /**
     * Answers 400, 413 or 415 when the request cannot be accepted; otherwise leaves the events to publish. (The API key
     * was checked in front of the route, by the access guard, from the real header.)
     */
    private void checkRequest(Exchange exchange) throws JsonProcessingException {
        Message request = exchange.getMessage();
        if (!PostedEvents.isJson(realHeader(request, "Content-Type"))) {
            answer(exchange, 415, Map.of("error", "send the events as JSON with Content-Type: application/json"
                    + " (charset, if given, utf-8)"));
            return;
        }
        int maxBodyBytes = limits.maxBodyBytes();
        byte[] body = request.getBody(byte[].class);
        if (body == null || body.length == 0) {
            answer(exchange, 400, Map.of("error", "the body is empty: post one event object or an array of events"));
            return;
        }
        if (body.length > maxBodyBytes) {
            answer(exchange, 413, Map.of("error", "the body has " + body.length + " bytes, at most " + maxBodyBytes
                    + " are accepted: split the request"));
            return;
        }
        PostedEvents events;
        try {
            events = PostedEvents.judge(body, rules, limits, PipelineClock.nowUtc(clock));
        } catch (PostedEvents.UnreadableRequestException e) {
            answer(exchange, 400, Map.of("error", e.getMessage()));
            return;
        } catch (PostedEvents.TooManyEventsException e) {
            answer(exchange, 413, Map.of("error", e.getMessage()));
            return;
        }
        if (!events.allAccepted()) {
            int total = events.accepted().size() + events.rejected().size();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", events.rejected().size() + " of " + total
                    + " events rejected, so none was published: fix or drop them and post again");
            answer.put("rejected", events.rejected());
            answer(exchange, 400, answer);
            return;
        }
        Credentials.IngestGrant grant = credentials.ingestGrant(realHeader(request, "X-API-Key"),
                realHeader(request, "Authorization"));
        List<String> foreign = events.accepted().stream().map(PostedEvents.Accepted::customerId)
                .filter(customerId -> grant == null || !grant.covers(customerId)).distinct().sorted().toList();
        if (!foreign.isEmpty()) {
            answer(exchange, 403, Map.of("error", "this API key may not post events of customer "
                    + String.join(", ", foreign) + ", so none was published"));
            return;
        }
        exchange.setProperty(ACCEPTED, events.accepted());
    }

    /**
     * A header as the client sent it. Camel's message headers also hold the query parameters, so {@code
     * ?Content-Type=...} would pass for the header there.
     */
    private static String realHeader(Message request, String name) {
        return request instanceof HttpMessage http && http.getRequest() != null ? http.getRequest().getHeader(name)
                : null;
    }

    private void answerWithAccepted(Exchange exchange) throws JsonProcessingException {
        PublishFailures.of(exchange.getContext()).succeeded();
        List<?> accepted = exchange.getProperty(ACCEPTED, List.class);
        totals.eventsPublished(accepted.size());
        answer(exchange, 202, Map.of("accepted", accepted.stream()
                .map(event -> ((PostedEvents.Accepted) event).eventId()).toList()));
    }

    private static void answer(Exchange exchange, int status, Map<String, ?> body) throws JsonProcessingException {
        Message message = exchange.getMessage();
        // platform-http answers with the message headers: the request's (the API key among them) must not echo back
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(EventJson.MAPPER.writeValueAsString(body));
    }
}

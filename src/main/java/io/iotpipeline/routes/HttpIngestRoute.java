package io.iotpipeline.routes;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.iotpipeline.domain.EventJson;
import io.iotpipeline.domain.PostedEvents;
import io.iotpipeline.ingest.HttpEvents;
import io.iotpipeline.domain.ReadingRules;
import io.iotpipeline.platform.PipelineCounters;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.platform.http.vertx.HttpMessage;

/**
 * Producer for real devices: {@code POST /api/events} takes one event or an array in the wire format, checks them with
 * the ingest stage's rules and publishes them to Kafka like the simulator does (acks=all, idempotent, retried). 202
 * means Kafka has every event of the request; 400 lists the reasons per rejected event and nothing is published; 413
 * for a body or event count over the limits; 401 without the API key when one is configured; 415 for a body that is
 * not JSON; 503 when Kafka did not take the events in time (nothing accepted, retry).
 */
public class HttpIngestRoute extends RouteBuilder {

    public static final String ACCEPTED = "acceptedEvents";

    /** The request limits of posted (and MQTT) events, read once when the route is built. */
    public record Limits(int maxBodyBytes, int maxEventsPerRequest, int maxEventBytes) {
        public static Limits of(org.apache.camel.CamelContext context) {
            java.util.function.ToIntFunction<String> property = key ->
                    Integer.parseInt(context.resolvePropertyPlaceholders("{{" + key + "}}").trim());
            return new Limits(property.applyAsInt("ingest.http.maxBodyBytes"),
                    property.applyAsInt("ingest.http.maxEventsPerRequest"), property.applyAsInt("ingest.http.maxEventBytes"));
        }
    }

    @Override
    public void configure() {
        bindToRegistry("httpEvents", new HttpEvents(Limits.of(getContext())));
        onException(Exception.class).handled(true).id("when-kafka-does-not-take-them")
                .log(LoggingLevel.WARN, "Posted events could not be published to Kafka: ${exception.message}")
                        .id("log-kafka-refusal")
                .bean("httpEvents", "answerUnavailable").id("answer-unavailable");

        from("platform-http:/api/events?httpMethodRestrict=POST").routeId("http-ingest")
                .autoStartup("{{ingest.http.enabled}}")
                .bean("httpEvents", "judge").id("judge-posted-events")
                .filter(exchangeProperty(ACCEPTED).isNotNull()).id("publish-when-all-accepted")
                    // request headers (the API key among them) must not travel on as Kafka record headers
                    .removeHeaders("*").id("drop-request-headers")
                    .transform(method("httpEvents", "records")).id("posted-events-as-records")
                    .to(KafkaEndpoints.PUBLISH_EVENTS + "&maxBlockMs={{ingest.http.publishTimeoutMs}}"
                            + "&requestTimeoutMs={{ingest.http.requestTimeoutMs}}"
                            + "&deliveryTimeoutMs={{ingest.http.publishTimeoutMs}}").id("publish-posted-events")
                    .bean("httpEvents", "answerAccepted").id("answer-accepted")
                .end();
    }

    /**
     * Answers 400, 413 or 415 when the request cannot be accepted; otherwise leaves the events to publish. (The API key
     * was checked in front of the route, by the access guard, from the real header.)
     */
    public static void judge(Exchange exchange, Limits limits) throws JsonProcessingException {
        var registry = exchange.getContext().getRegistry();
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
            events = PostedEvents.judge(body, registry.lookupByNameAndType("readingRules", ReadingRules.class),
                    limits.maxEventsPerRequest(), limits.maxEventBytes());
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
        exchange.setProperty(ACCEPTED, events.accepted());
    }

    /**
     * A header as the client sent it. Camel's message headers also hold the query parameters, so {@code
     * ?Content-Type=...} would pass for the header there.
     */
    static String realHeader(Message request, String name) {
        return request instanceof HttpMessage http && http.getRequest() != null ? http.getRequest().getHeader(name)
                : null;
    }

    public static void accepted(Exchange exchange) throws JsonProcessingException {
        List<?> accepted = exchange.getProperty(ACCEPTED, List.class);
        PipelineCounters.of(exchange).eventsPublished(accepted.size());
        answer(exchange, 202, Map.of("accepted", accepted.stream()
                .map(event -> ((PostedEvents.Accepted) event).eventId()).toList()));
    }

    public static void answer(Exchange exchange, int status, Map<String, ?> body) throws JsonProcessingException {
        Message message = exchange.getMessage();
        // platform-http answers with the message headers: the request's (the API key among them) must not echo back
        message.removeHeaders("*");
        message.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        message.setBody(EventJson.MAPPER.writeValueAsString(body));
    }
}

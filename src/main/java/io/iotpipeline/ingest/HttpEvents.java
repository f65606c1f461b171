package io.iotpipeline.ingest;

import java.util.List;
import java.util.Map;

import io.iotpipeline.routes.HttpIngestRoute;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * The steps of the http-ingest route (bean {@code httpEvents}): judge a POST /api/events request, its accepted events
 * as Kafka records, and the answer to the client.
 */
public final class HttpEvents {

    private final HttpIngestRoute.Limits limits;

    public HttpEvents(HttpIngestRoute.Limits limits) {
        this.limits = limits;
    }

    /** Answers 400, 413 or 415 when the request cannot be accepted; otherwise leaves the events to publish. */
    public void judge(Exchange exchange) throws Exception {
        HttpIngestRoute.judge(exchange, limits);
    }

    public List<Message> records(Exchange exchange) {
        return EventRecords.ofAccepted(exchange, exchange.getProperty(HttpIngestRoute.ACCEPTED, List.class));
    }

    /** 202 with the accepted eventIds, once Kafka has every one. */
    public void answerAccepted(Exchange exchange) throws Exception {
        HttpIngestRoute.accepted(exchange);
    }

    /** 503: Kafka did not take the events in time; none was accepted. */
    public void answerUnavailable(Exchange exchange) throws Exception {
        HttpIngestRoute.answer(exchange, 503, Map.of("error",
                "the events could not be published to Kafka, none was accepted; retry later"));
        exchange.getMessage().setHeader("Retry-After", "5");
    }
}

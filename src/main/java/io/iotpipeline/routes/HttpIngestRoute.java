package io.iotpipeline.routes;

import io.iotpipeline.ingest.HttpEvents;
import io.iotpipeline.ingest.KafkaEndpoints;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;

/**
 * Producer for real devices: {@code POST /api/events} takes one event or an array in the wire format, checks them with
 * the ingest stage's rules and publishes them to Kafka like the simulator does (acks=all, idempotent, retried). 202
 * means Kafka has every event of the request; 400 lists the reasons per rejected event and nothing is published; 409
 * lists the readings the consumer would refuse for what is stored already, another eventTime or other values for a
 * stored (eventId, deviceId) or an eventOffset far outside its stream's (nothing is published; an exact re-post is
 * accepted again); 413
 * for a body or event count over the limits; 401 without the API key when one is configured, 403 for an event of a
 * customer the key is not bound to (ingest.http.customerKeys); 415 for a body that is
 * not JSON; 503 when Kafka did not take the events in time (nothing accepted, retry).
 */
public class HttpIngestRoute extends RouteBuilder {

    @Override
    public void configure() {
        onException(Exception.class).handled(true).id("when-kafka-does-not-take-them")
                .log(LoggingLevel.WARN, "Posted events could not be published to Kafka: ${exception.message}")
                        .id("log-kafka-refusal")
                .bean("httpEvents", "answerUnavailable").id("answer-unavailable");

        from("platform-http:/api/events?httpMethodRestrict=POST").routeId("http-ingest")
                .autoStartup("{{ingest.http.enabled}}")
                .bean("httpEvents", "judge").id("judge-posted-events")
                .filter(exchangeProperty(HttpEvents.ACCEPTED).isNotNull()).id("when-all-accepted")
                    // 202 means stored: a reading the consumer would refuse for what is stored already is a 409
                    .transform(method("httpEvents", "postedReadings")).id("posted-readings-as-columns")
                    .to("sql:classpath:statements/posted-readings-refused.sql?dataSource=#dataSource")
                            .id("find-conflicts-with-stored")
                    .bean("httpEvents", "refuseConflicts").id("refuse-conflicting-readings")
                .end()
                .filter(exchangeProperty(HttpEvents.ACCEPTED).isNotNull()).id("publish-when-all-accepted")
                    // request headers (the API key among them) must not travel on as Kafka record headers
                    .removeHeaders("*").id("drop-request-headers")
                    .transform(method("httpEvents", "records")).id("posted-events-as-records")
                    .to(KafkaEndpoints.PUBLISH_EVENTS + "&maxBlockMs={{ingest.http.publishTimeoutMs}}"
                            + "&requestTimeoutMs={{ingest.http.requestTimeoutMs}}"
                            + "&deliveryTimeoutMs={{ingest.http.publishTimeoutMs}}").id("publish-posted-events")
                    .bean("httpEvents", "answerAccepted").id("answer-accepted")
                .end();
    }
}

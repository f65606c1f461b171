package io.iotpipeline.ingest;

import java.time.Instant;

import org.apache.camel.CamelContext;

/**
 * Whether publishing events to Kafka fails right now, and why. The broker can be reachable and still refuse every
 * record (a topic whose max.message.bytes was lowered, too few in-sync replicas, a deleted topic): readiness is DOWN
 * from the first failed publish until one succeeds again, so that a load balancer stops sending events to an instance
 * that cannot accept them.
 */
public final class PublishFailures {

    /** Since when publishing fails, and the first line of the last error. */
    public record Failing(Instant since, String reason) {
    }

    private volatile Failing failing;

    /** The context's one instance: the publishing routes report to it, readiness reads it. */
    public static synchronized PublishFailures of(CamelContext context) {
        PublishFailures publishes = context.getRegistry().findSingleByType(PublishFailures.class);
        if (publishes == null) {
            publishes = new PublishFailures();
            context.getRegistry().bind("publishFailures", publishes);
        }
        return publishes;
    }

    public void failed(Throwable error) {
        Failing now = failing;
        String reason = error == null ? "unknown error" : io.iotpipeline.store.StoreFailure.firstLine(error);
        failing = new Failing(now == null ? Instant.now() : now.since(), reason);
    }

    /** For a route's onException: the exchange's exception. */
    public void failed(org.apache.camel.Exchange exchange) {
        Throwable error = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Throwable.class);
        failed(error);
    }

    public void succeeded() {
        failing = null;
    }

    /** null while publishing succeeds. */
    public Failing failing() {
        return failing;
    }
}

package io.iotpipeline.store;

import io.iotpipeline.config.Settings;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;

/**
 * The error handler of every route that reads or writes PostgreSQL in the stream: a failed step is retried with
 * exponential backoff ({@code store.retry.*}, one WARN line per retry) before the failure goes back to the Kafka
 * consumer, which then reads the uncommitted batch again. Without it, a database outage turns into a loop of
 * immediate re-reads, each failing with a stack trace.
 */
public final class DatabaseRetries {

    private DatabaseRetries() {
    }

    /**
     * As {@link #withBackoff}, for the routes that store readings and dead letters: a failed attempt also makes
     * readiness DOWN until a write succeeds again ({@link WriteFailures}). A failed batch is read again until it is
     * written, so a failure is always followed by a success once the database takes writes. Bad data is no failure
     * of the database: its rows become dead letters.
     */
    public static DefaultErrorHandlerDefinition forWrites(RouteBuilder routes) {
        WriteFailures writes = WriteFailures.of(routes.getContext());
        return withBackoff(routes).onExceptionOccurred(exchange -> {
            if (!StoreFailure.rejectedAsBadData(exchange.getException())) {
                writes.failed(exchange.getException());
            }
        });
    }

    public static DefaultErrorHandlerDefinition withBackoff(RouteBuilder routes) {
        StoreSettings settings = Settings.bound(routes.getContext(), StoreSettings.class, StoreSettings::from);
        return routes.defaultErrorHandler()
                .maximumRedeliveries(settings.retryMaxAttempts())
                .redeliveryDelay(settings.retryInitialDelayMs())
                .useExponentialBackOff()
                .maximumRedeliveryDelay(settings.retryMaxDelayMs())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                // on shutdown the uncommitted batch is simply read again at the next start: no reason to wait
                .allowRedeliveryWhileStopping(false)
                .logExhaustedMessageHistory(false);
    }
}

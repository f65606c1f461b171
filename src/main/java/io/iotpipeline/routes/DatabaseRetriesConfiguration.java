package io.iotpipeline.routes;

import java.sql.SQLException;

import io.iotpipeline.settings.Settings;
import io.iotpipeline.store.ReadingStore;
import io.iotpipeline.store.StoreSettings;
import io.iotpipeline.store.StoreFailure;
import io.iotpipeline.store.WriteFailures;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.springframework.dao.DataAccessException;

/**
 * The error handling every route that reads or writes PostgreSQL in the stream shares, Java and YAML alike
 * ({@code routeConfigurationId: database-writes} in a YAML route): a failed step is retried with exponential backoff
 * ({@code store.retry.*}, one WARN line per retry) before the failure goes back to the Kafka consumer, which then reads
 * the uncommitted batch again. Without it, a database outage turns into a loop of immediate re-reads, each failing with
 * a stack trace.
 */
public class DatabaseRetriesConfiguration extends RouteConfigurationBuilder {

    /** Routes that store readings and dead letters. */
    public static final String WRITES = "database-writes";
    /** Routes that only read, or keep the analytics' bookkeeping. */
    public static final String READS = "database-reads";

    @Override
    public void configuration() {
        WriteFailures writes = WriteFailures.of(getContext());
        // a failed write also makes readiness DOWN until a write succeeds again (WriteFailures); a failed batch is read
        // again until it is written, so a failure is always followed by a success once the database takes writes
        var forWrites = routeConfiguration(WRITES);
        forWrites.errorHandler(withBackoff().onExceptionOccurred(exchange -> {
            if (!StoreFailure.rejectedAsBadData(exchange.getException())) {
                writes.failed(exchange.getException());
            }
        }));
        // bad data is no failure of the database: retrying cannot change the answer, its rows become dead letters
        // (the row-by-row fallback logs the failure, so no ERROR stack trace either)
        forWrites.onException(DataAccessException.class, SQLException.class)
                .onWhen(ReadingStore::rejectedAsBadData)
                .maximumRedeliveries(0).logExhausted(false).id("no-retry-for-bad-data");

        routeConfiguration(READS).errorHandler(withBackoff());
    }

    private DefaultErrorHandlerDefinition withBackoff() {
        StoreSettings settings = Settings.bound(getContext(), StoreSettings.class, StoreSettings::from);
        return defaultErrorHandler()
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

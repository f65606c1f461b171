package io.iotpipeline.store;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the database: DOWN while PostgreSQL cannot be reached, or answers but the store's writes fail (a full
 * disk: {@link WriteFailures}), so a load balancer or Kubernetes stops sending work. Not a liveness check: the pipeline waits out an outage (retries, then re-reads from Kafka) and must not be
 * restarted for it. The database is asked from a thread of its own, once a second, and a probe reads the last answer:
 * a probe never waits for a pooled connection that busy API requests hold, nor for a database that does not answer.
 */
public class DatabaseHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    /** The last answer: null when up, else why not. */
    private record Answer(String downReason, Exception error) {
    }

    private final DataSource dataSource;
    private final WriteFailures writes;
    private final ScheduledExecutorService asker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "database-health");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Answer last = new Answer("PostgreSQL not asked yet", null);

    public DatabaseHealthCheck(DataSource dataSource, WriteFailures writes) {
        super("iot-pipeline", "database");
        this.dataSource = dataSource;
        this.writes = writes;
        asker.scheduleWithFixedDelay(() -> last = ask(), 0, 1, TimeUnit.SECONDS);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Answer answer = last;
        WriteFailures.Failing failing = writes.failing();
        if (answer.downReason() == null && failing != null) {
            builder.message("PostgreSQL answers but refuses writes since " + failing.since() + ": " + failing.reason())
                    .down();
        } else if (answer.downReason() == null) {
            builder.up();
        } else {
            builder.message(answer.downReason()).error(answer.error()).down();
        }
    }

    /** Waits for the first answer (start-up, tests). */
    public void awaitFirstAnswer(long timeoutMs) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (last.downReason() != null && last.downReason().equals("PostgreSQL not asked yet")
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
    }

    private Answer ask() {
        try (Connection connection = dataSource.getConnection()) {
            return connection.isValid(2) ? new Answer(null, null) : new Answer("PostgreSQL did not answer within 2 s", null);
        } catch (Exception e) {
            return new Answer("PostgreSQL unreachable: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        asker.shutdownNow();
    }
}

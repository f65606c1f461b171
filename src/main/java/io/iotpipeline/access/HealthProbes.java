package io.iotpipeline.access;

import java.util.Collection;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;

/**
 * The liveness and readiness the orchestrator's probes read, worked out by a thread of their own twice a second.
 * Each Camel health check runs under its own lock, so a probe that ran the checks itself would queue behind every
 * detailed health call in flight; a probe reads the last result instead and answers at once.
 */
final class HealthProbes implements AutoCloseable {

    private final CamelContext camel;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread probes = new Thread(runnable, "health-probes");
        probes.setDaemon(true);
        return probes;
    });
    private volatile boolean live;
    private volatile boolean ready;

    HealthProbes(CamelContext camel) {
        this.camel = camel;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::refresh, 0, 500, TimeUnit.MILLISECONDS);
    }

    boolean live() {
        return live;
    }

    boolean ready() {
        return ready;
    }

    private void refresh() {
        try {
            live = up(HealthCheckHelper.invokeLiveness(camel, "oneline"), false);
            ready = up(HealthCheckHelper.invokeReadiness(camel, "oneline"), true);
        } catch (RuntimeException e) {
            ready = false;
        }
    }

    private static boolean up(Collection<HealthCheck.Result> results, boolean readiness) {
        return HealthCheckHelper.isResultsUp(results, readiness);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}

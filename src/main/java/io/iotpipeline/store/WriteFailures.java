package io.iotpipeline.store;

import java.time.Instant;

import org.apache.camel.CamelContext;

/**
 * Whether the store's writes fail right now, and why. PostgreSQL can answer and still refuse every write (a full
 * disk, a read-only standby): readiness is DOWN from the first failed write until one succeeds again, so that a load
 * balancer stops sending work to an instance that cannot store it. Bad data is not a failure here: those rows become
 * dead letters and their batch goes on.
 */
public final class WriteFailures {

    /** Since when writes fail, and the first line of the last error. */
    public record Failing(Instant since, String reason) {
    }

    private volatile Failing failing;

    /** The context's one instance: the store's routes report to it, readiness reads it. */
    public static synchronized WriteFailures of(CamelContext context) {
        WriteFailures writes = context.getRegistry().findSingleByType(WriteFailures.class);
        if (writes == null) {
            writes = new WriteFailures();
            context.getRegistry().bind("writeFailures", writes);
        }
        return writes;
    }

    public void failed(Throwable error) {
        Failing now = failing;
        String reason = error == null ? "unknown error" : StoreFailure.firstLine(error);
        failing = new Failing(now == null ? Instant.now() : now.since(), reason);
    }

    public void succeeded() {
        failing = null;
    }

    /** null while writes succeed. */
    public Failing failing() {
        return failing;
    }
}

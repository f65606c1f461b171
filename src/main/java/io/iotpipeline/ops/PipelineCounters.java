package io.iotpipeline.ops;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Running totals for the progress line operators read in the log. */
public class PipelineCounters {

    private static final Logger LOG = LoggerFactory.getLogger("io.iotpipeline.progress");

    private final AtomicLong eventsPublished = new AtomicLong();
    private final AtomicLong recordsCommitted = new AtomicLong();
    private final AtomicLong rowsWritten = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private final AtomicLong lateReadings = new AtomicLong();
    private final AtomicLong silentDevices = new AtomicLong();
    private final AtomicLong inputsDropped = new AtomicLong();
    private final AtomicReference<String> lastDeadLetterReason = new AtomicReference<>();
    private long reportedAtNanos = System.nanoTime();
    private long reportedRecords;
    private long reportedRows;
    private long reportedDeadLetters;
    private long reportedPublished;
    private final ConsumerLag lag;
    private boolean metersBound;

    public PipelineCounters(ConsumerLag lag) {
        this(lag, java.util.List.of());
    }

    /** @param detectors the anomaly detectors' ids, counted from 0 */
    public PipelineCounters(ConsumerLag lag, java.util.Collection<String> detectors) {
        this.lag = lag;
        detectors.forEach(id -> anomalies.put(id, new AtomicLong()));
    }

    public void eventsPublished(int count) {
        eventsPublished.addAndGet(count);
    }

    public void rowsWritten(int count) {
        rowsWritten.addAndGet(count);
    }

    public void batchCommitted(int records) {
        recordsCommitted.addAndGet(records);
    }

    /** An input (an MQTT message) that could be stored neither as events nor as a dead letter, acknowledged anyway. */
    public void inputDropped() {
        inputsDropped.incrementAndGet();
    }

    public long inputsDropped() {
        return inputsDropped.get();
    }

    public void deadLetter(String reason) {
        deadLetters.incrementAndGet();
        lastDeadLetterReason.set(reason);
    }

    /** Per detector id: each one given at start has its Prometheus series from the start, at 0. */
    private final java.util.Map<String, AtomicLong> anomalies = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** A stored finding sent to the alerts topic; the detector as stored (spike, stuck, drift, error-burst). */
    public void anomalySent(String detectorId) {
        anomalies.computeIfAbsent(detectorId, id -> new AtomicLong()).incrementAndGet();
    }

    public void lateReadings(int count) {
        lateReadings.addAndGet(count);
    }

    /** Keeps the number of devices currently SILENT, as far as this instance has seen the changes. */
    public void deviceStateChanges(java.util.List<io.iotpipeline.domain.DeviceStateChange> changes) {
        for (var change : changes) {
            if ("SILENT".equals(change.state())) {
                silentDevices.incrementAndGet();
            } else if ("SILENT".equals(change.previousState())) {
                silentDevices.decrementAndGet();
            }
        }
    }

    public long lateReadings() {
        return lateReadings.get();
    }

    public long eventsPublished() {
        return eventsPublished.get();
    }

    public long recordsCommitted() {
        return recordsCommitted.get();
    }

    public long rowsWritten() {
        return rowsWritten.get();
    }

    /**
     * The totals as Prometheus series beside Camel's own route metrics. Bound on the first report, once camel-micrometer
     * has put its registry in the Camel registry.
     */
    void bindMeters(org.apache.camel.CamelContext context) {
        if (metersBound) {
            return;
        }
        var registry = context.getRegistry().findSingleByType(io.micrometer.core.instrument.MeterRegistry.class);
        if (registry == null) {
            return;
        }
        io.micrometer.core.instrument.Gauge.builder("iot_consumer_lag_records", lag, ConsumerLag::last)
                .description("records in the topic not yet committed by the ingest consumer group").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("iot_rows_inserted", rowsWritten, AtomicLong::get)
                .description("readings written to iot_device_events").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("iot_dead_letters", deadLetters, AtomicLong::get)
                .description("dead letters written").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("iot_inputs_dropped", inputsDropped, AtomicLong::get)
                .description("MQTT messages stored neither as events nor as dead letters, acknowledged so they"
                        + " cannot block the subscription").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("iot_late_readings", lateReadings, AtomicLong::get)
                .description("readings stored as late").register(registry);
        io.micrometer.core.instrument.FunctionCounter.builder("iot_events_consumed", recordsCommitted, AtomicLong::get)
                .description("Kafka records committed by the ingest route").register(registry);
        anomalies.forEach((detector, count) -> io.micrometer.core.instrument.FunctionCounter
                .builder("iot_anomalies", count, AtomicLong::get).tag("detector", detector)
                .description("anomalies found, stored and sent to the alerts topic, per detector").register(registry));
        metersBound = true;
    }

    /** Logs one line when anything moved since the last report; measures the consumer lag. */
    public synchronized void report(org.apache.camel.Exchange exchange) {
        bindMeters(exchange.getContext());
        long backlog = lag.measure();
        long now = System.nanoTime();
        double seconds = Math.max(0.001, (now - reportedAtNanos) / 1e9);
        long published = eventsPublished.get();
        long records = recordsCommitted.get();
        long rows = rowsWritten.get();
        long dead = deadLetters.get();
        if (published == reportedPublished && records == reportedRecords && rows == reportedRows
                && dead == reportedDeadLetters && backlog <= 0) {
            return;
        }
        LOG.info("Progress: {} events/s published, {} events/s consumed, {} rows/s written;"
                + " totals: {} published, {} consumed, {} rows written, {} late, {} dead letters{}; {} devices silent;"
                + " consumer lag {} records",
                Math.round((published - reportedPublished) / seconds), Math.round((records - reportedRecords) / seconds),
                Math.round((rows - reportedRows) / seconds), published, records, rows, lateReadings.get(), dead,
                dead > reportedDeadLetters ? " (latest: " + lastDeadLetterReason.get() + ")" : "",
                Math.max(0, silentDevices.get()), backlog);
        reportedAtNanos = now;
        reportedPublished = published;
        reportedRecords = records;
        reportedRows = rows;
        reportedDeadLetters = dead;
    }
}

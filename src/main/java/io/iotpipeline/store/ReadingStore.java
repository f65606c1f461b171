package io.iotpipeline.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.iotpipeline.domain.DeadLetter;
import io.iotpipeline.domain.DeviceReading;
import io.iotpipeline.ops.PipelineCounters;
import io.iotpipeline.ops.StepCounts;
import org.apache.camel.Exchange;

/**
 * The steps of the store routes (bean {@code readingStore}): row batches that never split an event, the typed
 * columns of a row batch for {@code store_readings}, the row-by-row fallback when the database rejects a batch, and
 * the dead letters.
 */
public final class ReadingStore {

    /** Exchange variable: the Kafka batch's anomaly findings as JSON rows, stored with their readings (anomaly/BatchJudge). */
    public static final String ANOMALIES = "anomalies";

    /**
     * Exchange variables a pipeline instance may set (route template kafka-to-store): readings per statement and
     * statements per second for its batches; without them, {@code store.batch.rows} and
     * {@code store.throttle.batchesPerSecond}.
     */
    public static final String ROWS_PER_BATCH = "rowsPerBatch";
    public static final String BATCHES_PER_SECOND = "batchesPerSecond";

    /** Exchange variable: the row batch being written. */
    public static final String ROW_BATCH = "readings";
    /** Exchange property of the row-by-row fallback: the events already counted in this batch. */
    static final String COUNTED_EVENTS = "countedEvents";

    private final int rowsPerBatch;
    private final int batchesPerSecond;

    private final WriteFailures writes;

    private final StepCounts counts;
    private final PipelineCounters totals;

    public ReadingStore(int rowsPerBatch, int batchesPerSecond, WriteFailures writes, StepCounts counts,
            PipelineCounters totals) {
        this.writes = writes;
        this.rowsPerBatch = rowsPerBatch;
        this.batchesPerSecond = batchesPerSecond;
        this.counts = counts;
        this.totals = totals;
    }

    /** The Kafka batch's readings (the body) in row batches of about its instance's rows, or {@code store.batch.rows}. */
    @SuppressWarnings("unchecked")
    public List<List<DeviceReading>> rowBatches(Exchange exchange) {
        Integer rows = exchange.getVariable(ROWS_PER_BATCH, Integer.class);
        return inRowBatches(exchange.getMessage().getBody(List.class), rows != null ? rows : rowsPerBatch);
    }

    /** The throttle's statements per second for the exchange's instance, or {@code store.throttle.batchesPerSecond}. */
    public int batchesPerSecond(Exchange exchange) {
        Integer perSecond = exchange.getVariable(BATCHES_PER_SECOND, Integer.class);
        return perSecond != null ? perSecond : batchesPerSecond;
    }

    /**
     * The readings in batches of about {@code size} rows. An event's readings stay in one batch: the batch that
     * stores its first reading counts the event (ReadingColumns).
     */
    public static List<List<DeviceReading>> inRowBatches(List<DeviceReading> readings, int size) {
        List<List<DeviceReading>> batches = new ArrayList<>();
        int from = 0;
        while (from < readings.size()) {
            int to = Math.min(readings.size(), from + size);
            while (to < readings.size() && ReadingColumns.eventKey(readings.get(to))
                    .equals(ReadingColumns.eventKey(readings.get(to - 1)))) {
                to++;
            }
            batches.add(new ArrayList<>(readings.subList(from, to)));
            from = to;
        }
        return batches;
    }

    /** The row batch's size, for the iot_write_batch_rows summary. */
    public int size(List<?> rowBatch) {
        return rowBatch.size();
    }

    /** The row batch (the body) as store_readings' typed columns, with the findings of its Kafka batch. */
    public List<Object> columns(Exchange exchange) {
        return ReadingColumns.of(exchange.getMessage().getBody(List.class), anomalies(exchange));
    }

    /** After a row batch is written: the rows store_readings inserted (the body), the rest were stored already. */
    public void countRowsWritten(Exchange exchange) {
        writes.succeeded();
        int rows = exchange.getVariable(ROW_BATCH, List.class).size();
        totals.rowsWritten(rows);
        Object inserted = exchange.getMessage().getBody();
        StepCounts.Step step = counts.of(exchange.getFromRouteId(), "store-readings-with-analytics", "rows",
                "already stored");
        if (inserted instanceof Number stored) {
            step.passed(stored.longValue());
            step.noted(rows - stored.longValue());
        } else {
            step.passed(rows); // stored row by row: its refused rows are dead letters of their own
        }
    }

    /** Before the batch is stored row by row: no event counted yet, and why the database refused the batch. */
    public String startRowByRow(Exchange exchange) {
        exchange.setProperty(COUNTED_EVENTS, new HashSet<ReadingColumns.EventKey>());
        return firstLine(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class));
    }

    /** One reading (the body) as store_readings' columns; the first reading the database accepts counts its event. */
    public List<Object> oneRowColumns(Exchange exchange) {
        DeviceReading reading = exchange.getMessage().getBody(DeviceReading.class);
        return ReadingColumns.of(reading, !countedEvents(exchange).contains(ReadingColumns.eventKey(reading)),
                anomalies(exchange));
    }

    public void countEvent(Exchange exchange, DeviceReading reading) {
        countedEvents(exchange).add(ReadingColumns.eventKey(reading));
    }

    /** The reading the database refused, as a dead letter with its reason. */
    public DeadLetter rejectedReading(Exchange exchange, DeviceReading reading) {
        return DeadLetter.ofRejectedReading(reading, "rejected by the database: "
                + firstLine(exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class)));
    }

    /** A dead letter (the body) counted by reason and turned into its row. */
    public Object deadLetterRow(Exchange exchange, DeadLetter deadLetter) {
        totals.deadLetter(deadLetter.reason());
        return deadLetter.toRow();
    }

    static String anomalies(Exchange exchange) {
        return exchange.getVariable(ANOMALIES, String.class);
    }

    @SuppressWarnings("unchecked")
    static Set<ReadingColumns.EventKey> countedEvents(Exchange exchange) {
        return exchange.getProperty(COUNTED_EVENTS, Set.class);
    }

    /** Whether PostgreSQL refused the data itself ({@link StoreFailure#rejectedAsBadData}). */
    public static boolean rejectedAsBadData(Exchange exchange) {
        Throwable error = exchange.getException() != null
                ? exchange.getException() : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        return StoreFailure.rejectedAsBadData(error);
    }

    static String firstLine(Throwable error) {
        return StoreFailure.firstLine(error);
    }
}

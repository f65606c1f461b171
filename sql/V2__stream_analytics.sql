-- Stream analytics, maintained inside the database in the same transaction as the raw rows: a statement trigger reads
-- exactly the rows an INSERT added (its transition table), so a replayed reading, which ON CONFLICT DO NOTHING skips,
-- never counts twice, and a crash can never leave rows without their metrics or metrics without their rows.

-- late: older than the stream's watermark when it arrived (see LatenessPolicy). temperatureCelsius: the reading
-- converted for the metrics; temperature and measure keep what the device sent.
ALTER TABLE iot_device_events
    ADD COLUMN late               BOOLEAN          NOT NULL DEFAULT false,
    ADD COLUMN temperatureCelsius DOUBLE PRECISION;
UPDATE iot_device_events SET temperatureCelsius = CASE measure
    WHEN 'F' THEN (temperature - 32) * 5 / 9
    WHEN 'K' THEN temperature - 273.15
    ELSE temperature END;
ALTER TABLE iot_device_events ALTER COLUMN temperatureCelsius SET NOT NULL;

-- Settings the database side needs; the app writes them at start from application.properties.
CREATE TABLE pipeline_settings (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO pipeline_settings VALUES ('metrics.windowSeconds', '60');

CREATE FUNCTION metrics_window_seconds() RETURNS INTEGER LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT value::int FROM pipeline_settings WHERE name = 'metrics.windowSeconds'), 60) $$;

-- Newest stored eventTime per Kafka partition: the watermark survives restarts and moves with a partition when the
-- consumer group rebalances it to another instance.
CREATE TABLE stream_watermarks (
    kafkaTopic     VARCHAR(255) NOT NULL,
    kafkaPartition INTEGER      NOT NULL,
    maxEventTime   TIMESTAMP    NOT NULL,
    updatedAt      TIMESTAMPTZ  NOT NULL DEFAULT now(),
    PRIMARY KEY (kafkaTopic, kafkaPartition)
);

-- Tumbling event-time windows per device. windowSeconds is part of the key so that changing the window size never
-- merges windows of different sizes; the views show the configured size.
CREATE TABLE device_metrics_1m (
    customerId         VARCHAR(20)      NOT NULL,
    deviceId           VARCHAR(20)      NOT NULL,
    windowSeconds      INTEGER          NOT NULL,
    windowStart        TIMESTAMP        NOT NULL,
    readings           BIGINT           NOT NULL,
    temperatureSum     NUMERIC          NOT NULL,   -- exact, so the average does not depend on batch boundaries
    temperatureMin     DOUBLE PRECISION NOT NULL,
    temperatureMax     DOUBLE PRECISION NOT NULL,
    successCount       BIGINT           NOT NULL,
    errorCount         BIGINT           NOT NULL,
    standbyCount       BIGINT           NOT NULL,
    lateCount          BIGINT           NOT NULL,
    updatedAt          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (customerId, deviceId, windowSeconds, windowStart)
) WITH (fillfactor = 70);   -- room on the page for the updates of the current window (HOT updates, no index churn)
CREATE INDEX device_metrics_1m_window ON device_metrics_1m (windowSeconds, windowStart);
CREATE INDEX device_metrics_1m_device ON device_metrics_1m (deviceId, windowSeconds, windowStart);

-- The same per customer (all its devices), so dashboards over all devices read one row per customer and window. A
-- customer's events are in one Kafka partition, so concurrent consumers do not contend for these rows.
CREATE TABLE customer_metrics_1m (
    customerId         VARCHAR(20)      NOT NULL,
    windowSeconds      INTEGER          NOT NULL,
    windowStart        TIMESTAMP        NOT NULL,
    readings           BIGINT           NOT NULL,
    temperatureSum     NUMERIC          NOT NULL,
    temperatureMin     DOUBLE PRECISION NOT NULL,
    temperatureMax     DOUBLE PRECISION NOT NULL,
    successCount       BIGINT           NOT NULL,
    errorCount         BIGINT           NOT NULL,
    standbyCount       BIGINT           NOT NULL,
    lateCount          BIGINT           NOT NULL,
    updatedAt          TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (customerId, windowSeconds, windowStart)
) WITH (fillfactor = 70);
CREATE INDEX customer_metrics_1m_window ON customer_metrics_1m (windowSeconds, windowStart);

-- One row per device: when it was last heard of, its latest reading by event time, ONLINE or SILENT since when, and
-- running totals (so per-device dashboards read one row per device, not millions of readings).
CREATE TABLE device_health (
    customerId         VARCHAR(20)      NOT NULL,
    deviceId           VARCHAR(20)      NOT NULL,
    firstSeen          TIMESTAMPTZ      NOT NULL,
    lastSeen           TIMESTAMPTZ      NOT NULL,   -- when the pipeline last stored a reading of it
    lastEventTime      TIMESTAMP        NOT NULL,
    lastStatus         VARCHAR(20)      NOT NULL,
    lastTemperature    DOUBLE PRECISION NOT NULL,
    lastMeasure        VARCHAR(10)      NOT NULL,
    state              VARCHAR(10)      NOT NULL CHECK (state IN ('ONLINE', 'SILENT')),
    previousState      VARCHAR(10),                 -- before the last update: tells the trigger a device came back
    since              TIMESTAMPTZ      NOT NULL,
    readings           BIGINT           NOT NULL,
    temperatureSum     NUMERIC          NOT NULL,   -- in Celsius
    temperatureMin     DOUBLE PRECISION NOT NULL,
    temperatureMax     DOUBLE PRECISION NOT NULL,
    successCount       BIGINT           NOT NULL,
    errorCount         BIGINT           NOT NULL,
    standbyCount       BIGINT           NOT NULL,
    lateCount          BIGINT           NOT NULL,
    PRIMARY KEY (customerId, deviceId)
) WITH (fillfactor = 50);   -- every batch updates these rows; no other index, so the updates stay HOT

-- Every ONLINE/SILENT transition; loggedAt marks the ones already written to the log, so each is logged once.
CREATE TABLE device_state_changes (
    changeId      BIGSERIAL   PRIMARY KEY,
    customerId    VARCHAR(20) NOT NULL,
    deviceId      VARCHAR(20) NOT NULL,
    state         VARCHAR(10) NOT NULL,
    previousState VARCHAR(10),                  -- NULL: the device's first reading
    changedAt     TIMESTAMPTZ NOT NULL,
    loggedAt      TIMESTAMPTZ
);
CREATE INDEX device_state_changes_device ON device_state_changes (customerId, deviceId, changeId);
CREATE INDEX device_state_changes_unlogged ON device_state_changes (changeId) WHERE loggedAt IS NULL;

-- eventOffset per (customer, publisher) stream: the span seen and the distinct events stored in it.
CREATE TABLE event_streams (
    customerId      VARCHAR(20) NOT NULL,
    eventPublisher  VARCHAR(50) NOT NULL,
    firstOffset     BIGINT      NOT NULL,
    lastOffset      BIGINT      NOT NULL,
    eventsSeen      BIGINT      NOT NULL,
    missingEvents   BIGINT      GENERATED ALWAYS AS (greatest(0, lastOffset - firstOffset + 1 - eventsSeen)) STORED,
    reportedMissing BIGINT      NOT NULL DEFAULT 0,   -- last count written to the log
    updatedAt       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (customerId, eventPublisher)
);

-- Readings stored per minute of ingestion time: the ingest rate.
CREATE TABLE ingest_minutes (
    minute       TIMESTAMPTZ PRIMARY KEY,
    readings     BIGINT      NOT NULL,
    lateReadings BIGINT      NOT NULL
);

CREATE FUNCTION record_reading_analytics() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    window_seconds CONSTANT INTEGER := metrics_window_seconds();
BEGIN
    -- ORDER BY keeps row locks in one order across concurrent consumers, which rules out deadlocks between them
    INSERT INTO device_metrics_1m AS m (customerId, deviceId, windowSeconds, windowStart, readings, temperatureSum,
            temperatureMin, temperatureMax, successCount, errorCount, standbyCount, lateCount)
    SELECT customerId, deviceId, window_seconds,
           date_bin(make_interval(secs => window_seconds), eventTime, TIMESTAMP '2000-01-01'),
           count(*), sum(temperatureCelsius::numeric), min(temperatureCelsius), max(temperatureCelsius),
           count(*) FILTER (WHERE status = 'SUCCESS'), count(*) FILTER (WHERE status = 'ERROR'),
           count(*) FILTER (WHERE status = 'STANDBY'), count(*) FILTER (WHERE late)
    FROM inserted
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
    ON CONFLICT (customerId, deviceId, windowSeconds, windowStart) DO UPDATE SET
        readings       = m.readings + excluded.readings,
        temperatureSum = m.temperatureSum + excluded.temperatureSum,
        temperatureMin = least(m.temperatureMin, excluded.temperatureMin),
        temperatureMax = greatest(m.temperatureMax, excluded.temperatureMax),
        successCount   = m.successCount + excluded.successCount,
        errorCount     = m.errorCount + excluded.errorCount,
        standbyCount   = m.standbyCount + excluded.standbyCount,
        lateCount      = m.lateCount + excluded.lateCount,
        updatedAt      = now();

    INSERT INTO customer_metrics_1m AS m (customerId, windowSeconds, windowStart, readings, temperatureSum,
            temperatureMin, temperatureMax, successCount, errorCount, standbyCount, lateCount)
    SELECT customerId, window_seconds,
           date_bin(make_interval(secs => window_seconds), eventTime, TIMESTAMP '2000-01-01'),
           count(*), sum(temperatureCelsius::numeric), min(temperatureCelsius), max(temperatureCelsius),
           count(*) FILTER (WHERE status = 'SUCCESS'), count(*) FILTER (WHERE status = 'ERROR'),
           count(*) FILTER (WHERE status = 'STANDBY'), count(*) FILTER (WHERE late)
    FROM inserted
    GROUP BY 1, 2, 3
    ORDER BY 1, 2, 3
    ON CONFLICT (customerId, windowSeconds, windowStart) DO UPDATE SET
        readings       = m.readings + excluded.readings,
        temperatureSum = m.temperatureSum + excluded.temperatureSum,
        temperatureMin = least(m.temperatureMin, excluded.temperatureMin),
        temperatureMax = greatest(m.temperatureMax, excluded.temperatureMax),
        successCount   = m.successCount + excluded.successCount,
        errorCount     = m.errorCount + excluded.errorCount,
        standbyCount   = m.standbyCount + excluded.standbyCount,
        lateCount      = m.lateCount + excluded.lateCount,
        updatedAt      = now();

    WITH totals AS (
        SELECT customerId, deviceId, count(*) AS readings, sum(temperatureCelsius::numeric) AS temperatureSum,
               min(temperatureCelsius) AS temperatureMin, max(temperatureCelsius) AS temperatureMax,
               count(*) FILTER (WHERE status = 'SUCCESS') AS successCount,
               count(*) FILTER (WHERE status = 'ERROR') AS errorCount,
               count(*) FILTER (WHERE status = 'STANDBY') AS standbyCount,
               count(*) FILTER (WHERE late) AS lateCount
        FROM inserted GROUP BY customerId, deviceId),
    latest AS (
        SELECT DISTINCT ON (customerId, deviceId) customerId, deviceId, eventTime, status, temperature, measure
        FROM inserted ORDER BY customerId, deviceId, eventTime DESC, eventId DESC),
    upserted AS (
        INSERT INTO device_health AS h (customerId, deviceId, firstSeen, lastSeen, lastEventTime, lastStatus,
                lastTemperature, lastMeasure, state, previousState, since, readings, temperatureSum, temperatureMin,
                temperatureMax, successCount, errorCount, standbyCount, lateCount)
        SELECT l.customerId, l.deviceId, now(), now(), l.eventTime, l.status, l.temperature, l.measure, 'ONLINE', NULL,
               now(), t.readings, t.temperatureSum, t.temperatureMin, t.temperatureMax, t.successCount, t.errorCount,
               t.standbyCount, t.lateCount
        FROM latest l JOIN totals t USING (customerId, deviceId)
        ORDER BY 1, 2
        ON CONFLICT (customerId, deviceId) DO UPDATE SET
            lastSeen        = now(),
            -- a late reading counts in the totals but does not replace the latest reading
            lastStatus      = CASE WHEN excluded.lastEventTime >= h.lastEventTime THEN excluded.lastStatus ELSE h.lastStatus END,
            lastTemperature = CASE WHEN excluded.lastEventTime >= h.lastEventTime THEN excluded.lastTemperature ELSE h.lastTemperature END,
            lastMeasure     = CASE WHEN excluded.lastEventTime >= h.lastEventTime THEN excluded.lastMeasure ELSE h.lastMeasure END,
            lastEventTime   = greatest(h.lastEventTime, excluded.lastEventTime),
            previousState   = h.state,
            state           = 'ONLINE',
            since           = CASE WHEN h.state = 'ONLINE' THEN h.since ELSE now() END,
            readings        = h.readings + excluded.readings,
            temperatureSum  = h.temperatureSum + excluded.temperatureSum,
            temperatureMin  = least(h.temperatureMin, excluded.temperatureMin),
            temperatureMax  = greatest(h.temperatureMax, excluded.temperatureMax),
            successCount    = h.successCount + excluded.successCount,
            errorCount      = h.errorCount + excluded.errorCount,
            standbyCount    = h.standbyCount + excluded.standbyCount,
            lateCount       = h.lateCount + excluded.lateCount
        RETURNING customerId, deviceId, previousState)
    INSERT INTO device_state_changes (customerId, deviceId, state, previousState, changedAt)
    SELECT customerId, deviceId, 'ONLINE', previousState, now() FROM upserted
    WHERE previousState IS DISTINCT FROM 'ONLINE'
    ORDER BY 1, 2;

    -- an event is new when all its stored rows came in with this statement (one index probe per event)
    INSERT INTO event_streams AS s (customerId, eventPublisher, firstOffset, lastOffset, eventsSeen)
    SELECT customerId, eventPublisher, min(eventOffset), max(eventOffset), count(*)
    FROM (SELECT eventId, customerId, eventPublisher, eventOffset, count(*) AS rowsAdded
          FROM inserted GROUP BY eventId, customerId, eventPublisher, eventOffset) e
    WHERE rowsAdded = (SELECT count(*) FROM iot_device_events stored WHERE stored.eventId = e.eventId)
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (customerId, eventPublisher) DO UPDATE SET
        firstOffset = least(s.firstOffset, excluded.firstOffset),
        lastOffset  = greatest(s.lastOffset, excluded.lastOffset),
        eventsSeen  = s.eventsSeen + excluded.eventsSeen,
        updatedAt   = now();

    INSERT INTO stream_watermarks AS w (kafkaTopic, kafkaPartition, maxEventTime)
    SELECT kafkaTopic, kafkaPartition, max(eventTime) FROM inserted
    WHERE kafkaTopic IS NOT NULL
    GROUP BY 1, 2
    ORDER BY 1, 2
    ON CONFLICT (kafkaTopic, kafkaPartition) DO UPDATE SET
        maxEventTime = greatest(w.maxEventTime, excluded.maxEventTime),
        updatedAt    = now();

    INSERT INTO ingest_minutes AS r (minute, readings, lateReadings)
    SELECT date_trunc('minute', now()), count(*), count(*) FILTER (WHERE late) FROM inserted
    HAVING count(*) > 0
    ON CONFLICT (minute) DO UPDATE SET
        readings     = r.readings + excluded.readings,
        lateReadings = r.lateReadings + excluded.lateReadings;
    RETURN NULL;
END
$$;

CREATE TRIGGER iot_device_events_analytics
    AFTER INSERT ON iot_device_events
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION record_reading_analytics();

-- Rows stored before this migration count as well: insert them again so the trigger sees them (a no-op when empty).
CREATE TEMPORARY TABLE readings_before_analytics ON COMMIT DROP AS SELECT * FROM iot_device_events;
DELETE FROM iot_device_events;
INSERT INTO iot_device_events SELECT * FROM readings_before_analytics ORDER BY eventTime;

-- The analytics trigger's function (the trigger itself: V2, recreated on the partitioned table by V6). A repeatable
-- migration: Flyway runs it again whenever this file changes, after the versioned scripts, so the function has one
-- definition to edit. It keeps the maintained tables (windows, device health, event streams, watermarks, ingest
-- rate) in step with exactly the rows an INSERT added (its transition table `inserted`).
CREATE OR REPLACE FUNCTION record_reading_analytics() RETURNS trigger LANGUAGE plpgsql AS $$
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

    -- an event is new when all its stored rows came in with this statement: one index probe per event, into the one
    -- partition of its eventTime (a probe by eventId alone would visit every daily partition, so the cost of each
    -- insert would grow with the days kept). A re-send with another eventTime is another reading, and so another event.
    INSERT INTO event_streams AS s (customerId, eventPublisher, firstOffset, lastOffset, eventsSeen)
    SELECT customerId, eventPublisher, min(eventOffset), max(eventOffset), count(*)
    FROM (SELECT eventId, eventTime, customerId, eventPublisher, eventOffset, count(*) AS rowsAdded
          FROM inserted GROUP BY eventId, eventTime, customerId, eventPublisher, eventOffset) e
    WHERE rowsAdded = (SELECT count(*) FROM iot_device_events stored
                       WHERE stored.eventId = e.eventId AND stored.eventTime = e.eventTime)
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

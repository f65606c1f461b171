-- Stores a batch of readings and keeps the maintained tables (windows, device health, event streams, watermarks,
-- ingest rate) in step with exactly the rows it added, in one statement: the INSERT ... ON CONFLICT DO NOTHING returns
-- the rows it inserted (`inserted`) and every upsert below counts only those, so a replayed reading never counts twice
-- and a crash never leaves rows without their metrics or metrics without their rows. A reading whose (eventId,
-- deviceId) is already stored with another eventTime or other values is a conflict: a dead letter, not a row. The readings come as typed
-- arrays, one per column (ReadingColumns); first_of_event marks the one reading that counts its event in
-- event_streams, so no event costs a probe of the table. anomalies (JSON, may be NULL) are the detectors' findings
-- for the batch: each is stored only if its reading is, so a batch read again adds no finding; measurements (JSON)
-- are the readings' values beyond temperature (device_measurements), stored the same way. A repeatable migration: Flyway runs it again whenever this
-- file changes, after the versioned scripts, so the function has one definition to edit.
-- What identifies a send of a reading besides its key (sql/V10__one_row_per_reading.sql, unchanged): STABLE, as
-- concat_ws is, so the planner inlines it into store_readings; as IMMUTABLE it ran as a query of its own per reading
-- (measured: 67 ms of a 3,000-reading batch, 16 ms inlined).
CREATE OR REPLACE FUNCTION reading_fingerprint(customerId text, eventOffset bigint, eventPublisher text, measure text,
                                               status text, temperature double precision, extraFields jsonb)
    RETURNS uuid LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT md5(concat_ws(chr(31), customerId, eventOffset::text, eventPublisher, measure, status,
                         float8send(temperature)::text, extraFields::text))::uuid
$$;

-- What store_readings writes into a dead letter of a reading it refuses: the key (its Kafka record, the kind of
-- refusal and the reading, so a replay adds nothing), the reading as JSON, and a conflict's reason. Plain SQL
-- functions, STABLE like the text and JSON functions they call: declared IMMUTABLE, the planner would not inline them
-- and would run each call as a query of its own.
CREATE OR REPLACE FUNCTION refused_reading_key(topic text, part integer, record_offset bigint, kind text,
        event_id uuid, device_id text) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT concat_ws('', coalesce(topic, '?'), '/', part, '@', record_offset, '#', kind, ':', event_id, '/', device_id) $$;

CREATE OR REPLACE FUNCTION refused_reading_payload(event_id uuid, customer_id text, event_offset bigint,
        publisher text, event_time timestamp, device_id text, measure text, status text, temperature double precision,
        extra_fields jsonb) RETURNS text LANGUAGE sql STABLE AS
$$ SELECT json_build_object('eventId', event_id, 'customerId', customer_id, 'eventOffset', event_offset,
          'eventPublisher', publisher, 'eventTime', event_time, 'deviceId', device_id, 'measure', measure,
          'status', status, 'temperature', temperature, 'extraFields', extra_fields)::text $$;

CREATE OR REPLACE FUNCTION conflict_reason(event_id uuid, device_id text, stored_time timestamp, sent_time timestamp)
    RETURNS text LANGUAGE sql STABLE AS
$$ SELECT 'CONFLICT: reading (eventId ' || event_id || ', deviceId ' || device_id || ') is already stored'
          || CASE WHEN stored_time <> sent_time THEN ' with eventTime ' || stored_time || ', not ' || sent_time
                  ELSE ' with other values' END
          || '; a reading is stored once, this send is not' $$;

-- the signature before the measurements (V12): replaced, not overloaded
DROP FUNCTION IF EXISTS store_readings(uuid[], text[], bigint[], text[], timestamp[], text[], text[], text[],
        double precision[], double precision[], boolean[], jsonb[], text[], integer[], bigint[], timestamptz[],
        boolean[], jsonb);

CREATE OR REPLACE FUNCTION store_readings(
        event_ids uuid[], customer_ids text[], event_offsets bigint[], publishers text[], event_times timestamp[],
        device_ids text[], measures text[], statuses text[], temperatures double precision[],
        celsius double precision[], lates boolean[], extra_fields jsonb[], topics text[], partitions integer[],
        offsets bigint[], kafka_timestamps timestamptz[], first_of_event boolean[], anomalies jsonb,
        measurements jsonb DEFAULT NULL)
    -- A large batch is planned afresh on every call, with its arrays as constants: after five calls PL/pgSQL would switch to a
    -- generic plan that guesses ten rows per array and joins the batch's CTEs by nested loops, 6,000 x 6,000 rows
    -- (measured: 0.3 s a batch, then 4 to 8 s from the sixth call on).
    RETURNS integer LANGUAGE plpgsql SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    window_seconds CONSTANT INTEGER := metrics_window_seconds();
    max_jump CONSTANT BIGINT := max_offset_jump();
    unresolved BIGINT[];
    rows_added INTEGER;
    generic_plan_rows CONSTANT INTEGER := 150;
BEGIN
    -- A small batch (the pipeline keeping up) reuses one generic plan: planning this statement costs more than running
    -- it on a few dozen rows (measured: 7.5 ms a call planned afresh, 4.5 ms on the generic plan, for 33 rows).
    IF cardinality(event_ids) <= generic_plan_rows THEN
        PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
    END IF;
    -- Each upsert takes its row locks in ORDER BY order, the same in every consumer, which rules out deadlocks
    -- between them. Customers (and so their devices) stay in one Kafka partition, so consumers seldom meet at all.
    WITH incoming AS (
        SELECT b.*, reading_fingerprint(b.customerId, b.eventOffset, b.eventPublisher, b.measure, b.status,
                                        b.temperature, b.extraFields) AS fingerprint
        FROM unnest(event_ids, customer_ids, event_offsets, publishers, event_times, device_ids, measures,
                    statuses, temperatures, celsius, lates, extra_fields, topics, partitions, offsets,
                    kafka_timestamps, first_of_event) WITH ORDINALITY
            AS b(eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
                 temperatureCelsius, late, extraFields, kafkaTopic, kafkaPartition, kafkaOffset, kafkaTimestamp,
                 firstOfEvent, position)),
    -- an eventOffset far outside its stream's known range is refused, not counted as a gap of missing events
    -- (a stream not stored yet is judged against its first event in the batch; numeric: no bigint can overflow).
    -- Judged per stream first, each stream looked up once: only a stream with an offset out of range has its
    -- readings looked at one by one (a lookup per reading, or a sort of the batch, was 8 to 12 ms of a 6,000-reading
    -- call).
    stream_starts AS (
        -- min over (position, offset) pairs: the offset of the stream's first event in the batch, without a sort
        SELECT customerId, eventPublisher, (min(ARRAY[position, eventOffset]))[2] AS eventOffset,
               min(eventOffset) AS lowest, max(eventOffset) AS highest
        FROM incoming
        GROUP BY customerId, eventPublisher),
    streams_out_of_range AS MATERIALIZED (
        SELECT f.customerId, f.eventPublisher, coalesce(s.firstOffset, f.eventOffset) AS firstOffset,
               coalesce(s.lastOffset, f.eventOffset) AS lastOffset
        FROM stream_starts f
        LEFT JOIN event_streams s ON s.customerId = f.customerId AND s.eventPublisher = f.eventPublisher
        WHERE max_jump > 0
          AND (f.highest::numeric > coalesce(s.lastOffset, f.eventOffset)::numeric + max_jump
               OR f.lowest::numeric < coalesce(s.firstOffset, f.eventOffset)::numeric - max_jump)),
    jumps AS (
        SELECT i.*, o.firstOffset, o.lastOffset
        FROM incoming i
        JOIN streams_out_of_range o ON o.customerId = i.customerId AND o.eventPublisher = i.eventPublisher
        -- checked once: with no stream out of range the readings are not even sorted for the join
        WHERE EXISTS (SELECT FROM streams_out_of_range)
          AND (i.eventOffset::numeric > o.lastOffset::numeric + max_jump
               OR i.eventOffset::numeric < o.firstOffset::numeric - max_jump)),
    jump_letters AS (
        INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength, eventId, deviceId, kafkaTopic,
                kafkaPartition, kafkaOffset)
        SELECT refused_reading_key(j.kafkaTopic, j.kafkaPartition, j.kafkaOffset, 'offset-jump', j.eventId, j.deviceId),
               'eventOffset ' || j.eventOffset || ' is more than ' || max_jump || ' outside the offsets '
                   || j.firstOffset || ' to ' || j.lastOffset || ' seen from customer ' || j.customerId
                   || ' and publisher ' || j.eventPublisher || ' (streams.maxOffsetJump)',
               p.payload, length(p.payload), j.eventId::text, j.deviceId, j.kafkaTopic, j.kafkaPartition, j.kafkaOffset
        FROM jumps j
        CROSS JOIN LATERAL (SELECT refused_reading_payload(j.eventId, j.customerId, j.eventOffset, j.eventPublisher,
                j.eventTime, j.deviceId, j.measure, j.status, j.temperature, j.extraFields) AS payload) p
        ORDER BY 1
        ON CONFLICT (deadLetterKey) DO NOTHING),
    batch AS (
        SELECT * FROM incoming i
        WHERE NOT EXISTS (SELECT 1 FROM jumps j WHERE j.position = i.position)),
    -- a reading is stored once per (eventId, deviceId) whatever its eventTime (sql/V10__one_row_per_reading.sql):
    -- the first of the batch, in batch order, claims a key nobody holds yet
    claimed AS (
        INSERT INTO reading_keys (eventId, deviceId, eventTime, fingerprint)
        SELECT eventId, deviceId, eventTime, fingerprint FROM batch ORDER BY position
        ON CONFLICT (eventId, deviceId) DO NOTHING
        RETURNING eventId, deviceId, eventTime, fingerprint),
    inserted AS (
        INSERT INTO iot_device_events (eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure,
                status, temperature, temperatureCelsius, late, extraFields, kafkaTopic, kafkaPartition, kafkaOffset,
                kafkaTimestamp)
        SELECT b.eventId, b.customerId, b.eventOffset, b.eventPublisher, b.eventTime, b.deviceId, b.measure, b.status,
               b.temperature, b.temperatureCelsius, b.late, b.extraFields, b.kafkaTopic, b.kafkaPartition,
               b.kafkaOffset, b.kafkaTimestamp
        -- semi-joins, here and below: the planner estimates a join of CTEs on four keys at one row, and then loops
        -- over the whole of a CTE for each row of another (measured: 835 ms of a 3,000-reading batch's measurements)
        FROM batch b
        WHERE EXISTS (SELECT 1 FROM claimed c WHERE c.eventId = b.eventId AND c.deviceId = b.deviceId
                        AND c.eventTime = b.eventTime AND c.fingerprint = b.fingerprint)
        -- the same send twice in one batch: the primary key keeps the first, in batch order
        ORDER BY b.position
        ON CONFLICT (eventId, deviceId, eventTime) DO NOTHING
        RETURNING eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
                  temperatureCelsius, late, kafkaTopic, kafkaPartition),
    -- the sends that claimed nothing: none in the common case, every one on a replay; only these are looked up.
    -- When every reading claimed its key there are none, and the anti-join is not run at all (it sorted the batch
    -- twice: 6 ms of a 6,000-reading call).
    unclaimed AS (
        SELECT b.* FROM batch b
        WHERE (SELECT count(*) FROM claimed) < cardinality(event_ids)
          AND NOT EXISTS (SELECT 1 FROM claimed c WHERE c.eventId = b.eventId AND c.deviceId = b.deviceId
                            AND c.eventTime = b.eventTime AND c.fingerprint = b.fingerprint)),
    -- a send whose (eventId, deviceId) is held by a reading of another eventTime or other values is a conflict: not
    -- stored, and a dead letter says what is stored instead. Keys claimed above are not yet visible to this
    -- statement's reads of reading_keys, which see only the keys held before it: together they name the holder.
    conflicts AS (
        INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength, eventId, deviceId, kafkaTopic,
                kafkaPartition, kafkaOffset)
        SELECT refused_reading_key(b.kafkaTopic, b.kafkaPartition, b.kafkaOffset, 'conflict', b.eventId, b.deviceId),
               conflict_reason(b.eventId, b.deviceId, coalesce(c.eventTime, k.eventTime), b.eventTime),
               p.payload, length(p.payload), b.eventId::text, b.deviceId, b.kafkaTopic, b.kafkaPartition, b.kafkaOffset
        FROM unclaimed b
        LEFT JOIN claimed c ON c.eventId = b.eventId AND c.deviceId = b.deviceId
        LEFT JOIN reading_keys k ON k.eventId = b.eventId AND k.deviceId = b.deviceId
        CROSS JOIN LATERAL (SELECT refused_reading_payload(b.eventId, b.customerId, b.eventOffset, b.eventPublisher,
                b.eventTime, b.deviceId, b.measure, b.status, b.temperature, b.extraFields) AS payload) p
        WHERE coalesce(c.eventId, k.eventId) IS NOT NULL
          AND (coalesce(c.eventTime, k.eventTime), coalesce(c.fingerprint, k.fingerprint))
              IS DISTINCT FROM (b.eventTime, b.fingerprint)
        ORDER BY 1
        ON CONFLICT (deadLetterKey) DO NOTHING),
    device_windows AS (
        INSERT INTO device_metrics_1m AS m (customerId, deviceId, windowSeconds, windowStart, readings,
                temperatureSum, temperatureMin, temperatureMax, successCount, errorCount, standbyCount, lateCount)
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
            updatedAt      = now()),
    customer_windows AS (
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
            updatedAt      = now()),
    -- each device's totals and its latest reading in one pass: a join of the two, estimated at one row each, was
    -- planned as a nested loop, quadratic in the batch's devices (1.5 s of a 3,000-device batch)
    device_totals AS (
        SELECT DISTINCT ON (customerId, deviceId) customerId, deviceId, eventTime, status, temperature, measure,
               count(*) OVER device AS readings, sum(temperatureCelsius::numeric) OVER device AS temperatureSum,
               min(temperatureCelsius) OVER device AS temperatureMin,
               max(temperatureCelsius) OVER device AS temperatureMax,
               count(*) FILTER (WHERE status = 'SUCCESS') OVER device AS successCount,
               count(*) FILTER (WHERE status = 'ERROR') OVER device AS errorCount,
               count(*) FILTER (WHERE status = 'STANDBY') OVER device AS standbyCount,
               count(*) FILTER (WHERE late) OVER device AS lateCount
        FROM inserted
        WINDOW device AS (PARTITION BY customerId, deviceId)
        ORDER BY customerId, deviceId, eventTime DESC, eventId DESC),
    health AS (
        INSERT INTO device_health AS h (customerId, deviceId, firstSeen, lastSeen, lastEventTime, lastStatus,
                lastTemperature, lastMeasure, state, previousState, since, readings, temperatureSum, temperatureMin,
                temperatureMax, successCount, errorCount, standbyCount, lateCount)
        SELECT t.customerId, t.deviceId, now(), now(), t.eventTime, t.status, t.temperature, t.measure, 'ONLINE', NULL,
               now(), t.readings, t.temperatureSum, t.temperatureMin, t.temperatureMax, t.successCount, t.errorCount,
               t.standbyCount, t.lateCount
        FROM device_totals t
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
        RETURNING customerId, deviceId, previousState),
    state_changes AS (
        INSERT INTO device_state_changes (customerId, deviceId, state, previousState, changedAt)
        SELECT customerId, deviceId, 'ONLINE', previousState, now() FROM health
        WHERE previousState IS DISTINCT FROM 'ONLINE'
        ORDER BY 1, 2),
    -- an event counts once, with its first reading: a re-send with another eventTime is another reading, and so
    -- another event; a replay inserts nothing and so counts nothing. When every reading of the batch was inserted,
    -- its first readings are the batch's own, without joining the two (5 ms of a 6,000-reading call); only one of
    -- the two branches runs.
    streams AS (
        INSERT INTO event_streams AS s (customerId, eventPublisher, firstOffset, lastOffset, eventsSeen)
        SELECT e.customerId, e.eventPublisher, min(e.eventOffset), max(e.eventOffset), count(*)
        FROM (SELECT b.customerId, b.eventPublisher, b.eventOffset FROM batch b
              WHERE b.firstOfEvent AND (SELECT count(*) FROM inserted) = cardinality(event_ids)
              UNION ALL
              SELECT i.customerId, i.eventPublisher, i.eventOffset
              FROM inserted i JOIN batch b USING (eventId, deviceId, eventTime)
              WHERE b.firstOfEvent AND (SELECT count(*) FROM inserted) <> cardinality(event_ids)) e
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (customerId, eventPublisher) DO UPDATE SET
            firstOffset = least(s.firstOffset, excluded.firstOffset),
            lastOffset  = greatest(s.lastOffset, excluded.lastOffset),
            eventsSeen  = s.eventsSeen + excluded.eventsSeen,
            updatedAt   = now()),
    watermarks AS (
        INSERT INTO stream_watermarks AS w (kafkaTopic, kafkaPartition, maxEventTime)
        SELECT kafkaTopic, kafkaPartition, max(eventTime) FROM inserted
        WHERE kafkaTopic IS NOT NULL
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (kafkaTopic, kafkaPartition) DO UPDATE SET
            maxEventTime = greatest(w.maxEventTime, excluded.maxEventTime),
            updatedAt    = now()),
    findings AS (
        INSERT INTO device_anomalies (eventId, deviceId, measurement, unit, detector, customerId, score, expectedLow,
                expectedHigh, observed, eventTime)
        SELECT a.eventId, a.deviceId, coalesce(a.measurement, 'temperature'), coalesce(a.unit, '°C'), a.detector,
               a.customerId, a.score, a.expectedLow, a.expectedHigh, a.observed, a.eventTime
        FROM jsonb_to_recordset(coalesce(anomalies, '[]')) AS a(eventId uuid, deviceId text, detector text,
                 measurement text, unit text, customerId text, score double precision, expectedLow double precision,
                 expectedHigh double precision, observed double precision, eventTime timestamp)
        WHERE EXISTS (SELECT 1 FROM inserted i WHERE i.eventId = a.eventId AND i.deviceId = a.deviceId
                        AND i.eventTime = a.eventTime)
        ON CONFLICT (eventId, deviceId, measurement, detector) DO NOTHING),
    -- the catalog's measurements (JSON rows, '[]' for a batch of temperatures only) of the readings inserted above
    measured AS (
        INSERT INTO device_measurements (eventId, deviceId, measurement, customerId, eventTime, value, unit, sentValue,
                sentUnit)
        SELECT b.eventId, b.deviceId, m.measurement, b.customerId, b.eventTime, m.value, m.unit, m.sentValue, m.sentUnit
        FROM jsonb_to_recordset(coalesce(measurements, '[]')) AS m(position bigint, measurement text,
                 value double precision, unit text, sentValue double precision, sentUnit text)
        -- by the reading's place in the batch: a second send of the reading with other values claims nothing, and its
        -- values must not be stored in place of the first's
        JOIN batch b ON b.position = m.position
        WHERE EXISTS (SELECT 1 FROM claimed c WHERE c.eventId = b.eventId AND c.deviceId = b.deviceId
                        AND c.eventTime = b.eventTime AND c.fingerprint = b.fingerprint)
          AND EXISTS (SELECT 1 FROM inserted i WHERE i.eventId = b.eventId AND i.deviceId = b.deviceId
                        AND i.eventTime = b.eventTime)
        ORDER BY 1, 2, 3
        ON CONFLICT (eventId, deviceId, measurement) DO NOTHING
        RETURNING customerId, deviceId, measurement, eventTime, value, unit),
    measurement_windows AS (
        INSERT INTO device_measurement_windows AS w (measurement, customerId, deviceId, windowSeconds, windowStart,
                unit, readings, valueSum, valueMin, valueMax)
        SELECT measurement, customerId, deviceId, window_seconds,
               date_bin(make_interval(secs => window_seconds), eventTime, TIMESTAMP '2000-01-01'),
               min(unit), count(*), sum(value::numeric), min(value), max(value)
        FROM measured
        GROUP BY 1, 2, 3, 4, 5
        ORDER BY 1, 2, 3, 4, 5
        ON CONFLICT (measurement, customerId, deviceId, windowSeconds, windowStart) DO UPDATE SET
            readings  = w.readings + excluded.readings,
            valueSum  = w.valueSum + excluded.valueSum,
            valueMin  = least(w.valueMin, excluded.valueMin),
            valueMax  = greatest(w.valueMax, excluded.valueMax),
            unit      = excluded.unit,
            updatedAt = now()),
    measurement_health AS (
        INSERT INTO device_measurement_health AS h (customerId, deviceId, measurement, unit, lastEventTime, lastValue,
                readings, valueSum, valueMin, valueMax)
        SELECT customerId, deviceId, measurement, min(unit), max(eventTime),
               (array_agg(value ORDER BY eventTime DESC))[1], count(*), sum(value::numeric), min(value), max(value)
        FROM measured
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3
        ON CONFLICT (customerId, deviceId, measurement) DO UPDATE SET
            unit          = excluded.unit,
            lastSeen      = now(),
            lastValue     = CASE WHEN excluded.lastEventTime >= h.lastEventTime THEN excluded.lastValue
                                 ELSE h.lastValue END,
            lastEventTime = greatest(h.lastEventTime, excluded.lastEventTime),
            readings      = h.readings + excluded.readings,
            valueSum      = h.valueSum + excluded.valueSum,
            valueMin      = least(h.valueMin, excluded.valueMin),
            valueMax      = greatest(h.valueMax, excluded.valueMax)),
    ingest_rate AS (
        INSERT INTO ingest_minutes AS r (minute, kafkaPartition, readings, lateReadings)
        SELECT date_trunc('minute', now()), coalesce(kafkaPartition, -1), count(*), count(*) FILTER (WHERE late)
        FROM inserted
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (minute, kafkaPartition) DO UPDATE SET
            readings     = r.readings + excluded.readings,
            lateReadings = r.lateReadings + excluded.lateReadings)
    SELECT (SELECT count(*) FROM inserted),
           (SELECT array_agg(b.position) FROM unclaimed b
            WHERE NOT EXISTS (SELECT 1 FROM claimed c WHERE c.eventId = b.eventId AND c.deviceId = b.deviceId)
              AND NOT EXISTS (SELECT 1 FROM reading_keys k WHERE k.eventId = b.eventId AND k.deviceId = b.deviceId))
    INTO rows_added, unresolved;
    -- A key claimed by a concurrent transaction (another consumer replaying the same records during a rebalance) was
    -- waited for but is not in this statement's snapshot: judged here, by a statement that sees it committed.
    IF unresolved IS NOT NULL THEN
        INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength, eventId, deviceId, kafkaTopic,
                kafkaPartition, kafkaOffset)
        SELECT refused_reading_key(b.kafkaTopic, b.kafkaPartition, b.kafkaOffset, 'conflict', b.eventId, b.deviceId),
               conflict_reason(b.eventId, b.deviceId, k.eventTime, b.eventTime),
               p.payload, length(p.payload), b.eventId::text, b.deviceId, b.kafkaTopic, b.kafkaPartition, b.kafkaOffset
        FROM unnest(event_ids, customer_ids, event_offsets, publishers, event_times, device_ids, measures, statuses,
                    temperatures, extra_fields, topics, partitions, offsets) WITH ORDINALITY
            AS b(eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
                 extraFields, kafkaTopic, kafkaPartition, kafkaOffset, position)
        JOIN reading_keys k ON k.eventId = b.eventId AND k.deviceId = b.deviceId
        CROSS JOIN LATERAL (SELECT refused_reading_payload(b.eventId, b.customerId, b.eventOffset, b.eventPublisher,
                b.eventTime, b.deviceId, b.measure, b.status, b.temperature, b.extraFields) AS payload) p
        WHERE b.position = ANY (unresolved)
          AND (k.eventTime, k.fingerprint) IS DISTINCT FROM (b.eventTime, reading_fingerprint(b.customerId,
                b.eventOffset, b.eventPublisher, b.measure, b.status, b.temperature, b.extraFields))
        ORDER BY 1
        ON CONFLICT (deadLetterKey) DO NOTHING;
    END IF;
    RETURN rows_added;
END
$$;

-- A reading is identified by (eventId, deviceId), whatever its eventTime. The readings table is partitioned by
-- eventTime, and PostgreSQL puts the partition key into every unique constraint, so its primary key cannot say that:
-- reading_keys does. store_readings claims a reading's key here before it stores the row, in the same statement, so
-- a second eventTime (or other values) for a stored (eventId, deviceId) is a conflict that goes to the dead letters,
-- never a second row. The fingerprint of the reading's values tells a replay (same values: nothing to do) from a
-- conflict (other values: a dead letter naming what is stored).
CREATE TABLE reading_keys (
    eventId     UUID        NOT NULL,
    deviceId    VARCHAR(20) NOT NULL,
    eventTime   TIMESTAMP   NOT NULL,
    fingerprint UUID        NOT NULL,
    PRIMARY KEY (eventId, deviceId)
);

-- What makes two sends of a reading the same reading: every value the device sent (not where or when it arrived,
-- nor the late flag, which a replay may judge differently). Inlined by the planner.
CREATE FUNCTION reading_fingerprint(customerId text, eventOffset bigint, eventPublisher text, measure text,
                                    status text, temperature double precision, extraFields jsonb)
    RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT md5(concat_ws(chr(31), customerId, eventOffset::text, eventPublisher, measure, status,
                         float8send(temperature)::text, extraFields::text))::uuid
$$;

-- Readings stored before this version: the first row of each (eventId, deviceId) by eventTime holds the key. Rows a
-- re-send with another eventTime added earlier stay, and stay counted; from now on such a re-send is a conflict.
INSERT INTO reading_keys (eventId, deviceId, eventTime, fingerprint)
SELECT eventId, deviceId, eventTime,
       reading_fingerprint(customerId, eventOffset, eventPublisher, measure, status, temperature, extraFields)
FROM iot_device_events
ORDER BY eventTime
ON CONFLICT (eventId, deviceId) DO NOTHING;

-- Retention drops the keys of the readings it drops.
CREATE OR REPLACE FUNCTION drop_reading_partitions(before date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    part text;
    dropped integer := 0;
    removed integer;
BEGIN
    FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                WHERE p.relname = 'iot_device_events' AND c.relname ~ '^iot_device_events_[0-9]{8}$'
                  AND to_date(right(c.relname, 8), 'YYYYMMDD') < before LOOP
        EXECUTE format('DROP TABLE %I', part);
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM iot_device_events_default WHERE eventTime < before;
    GET DIAGNOSTICS removed = ROW_COUNT;
    IF dropped > 0 OR removed > 0 THEN
        DELETE FROM reading_keys WHERE eventTime < before;
    END IF;
    RETURN dropped;
END $$;

-- How far an eventOffset may run ahead of (or behind) its stream's known range before the event is refused as a
-- dead letter instead of counted: one forged offset (999999999999999) would otherwise report a quadrillion missing
-- events. Saved at start from streams.maxOffsetJump; 0 turns the check off.
CREATE FUNCTION max_offset_jump() RETURNS BIGINT LANGUAGE sql STABLE AS
$$ SELECT coalesce((SELECT value::bigint FROM pipeline_settings WHERE name = 'streams.maxOffsetJump'), 1000000) $$;

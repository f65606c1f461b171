-- Readings partitioned by event time, one partition per UTC day, so a day is dropped whole when it leaves the
-- retention and a query on a time range touches only its days. PostgreSQL requires the partition key in every unique
-- constraint, so the primary key becomes (eventId, deviceId, eventTime). Replays stay idempotent: a replayed reading
-- carries the eventTime of its original, so it conflicts with it and adds nothing. Readings whose day has no
-- partition (far in the past or future) go to the default partition.
CREATE TABLE iot_device_events_by_day (LIKE iot_device_events INCLUDING DEFAULTS INCLUDING STORAGE)
    PARTITION BY RANGE (eventTime);
ALTER TABLE iot_device_events_by_day ADD PRIMARY KEY (eventId, deviceId, eventTime);
ALTER TABLE iot_device_events RENAME TO iot_device_events_unpartitioned;
ALTER TABLE iot_device_events_by_day RENAME TO iot_device_events;
CREATE TABLE iot_device_events_default PARTITION OF iot_device_events DEFAULT;

-- Creates the daily partitions of [first_day, first_day + days); returns how many it created. A day that already
-- has readings in the default partition keeps them there (PostgreSQL refuses a partition that would move them).
CREATE FUNCTION create_reading_partitions(first_day date, days integer) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    day date;
    created integer := 0;
BEGIN
    FOR i IN 0 .. days - 1 LOOP
        day := first_day + i;
        CONTINUE WHEN to_regclass('iot_device_events_' || to_char(day, 'YYYYMMDD')) IS NOT NULL;
        CONTINUE WHEN EXISTS (SELECT 1 FROM iot_device_events_default WHERE eventTime >= day AND eventTime < day + 1);
        EXECUTE format('CREATE TABLE %I PARTITION OF iot_device_events FOR VALUES FROM (%L) TO (%L)',
                       'iot_device_events_' || to_char(day, 'YYYYMMDD'), day::timestamp, (day + 1)::timestamp);
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

-- Drops the daily partitions of days before the given one, and the default partition's readings before it; returns
-- how many partitions it dropped. The analytics tables keep their counts: retention applies to the raw readings.
CREATE FUNCTION drop_reading_partitions(before date) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    part text;
    dropped integer := 0;
BEGIN
    FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                JOIN pg_class p ON p.oid = i.inhparent
                WHERE p.relname = 'iot_device_events' AND c.relname ~ '^iot_device_events_[0-9]{8}$'
                  AND to_date(right(c.relname, 8), 'YYYYMMDD') < before LOOP
        EXECUTE format('DROP TABLE %I', part);
        dropped := dropped + 1;
    END LOOP;
    DELETE FROM iot_device_events_default WHERE eventTime < before;
    RETURN dropped;
END $$;

-- Partitions for every day that has readings, and for the coming days; then the readings move over. The analytics
-- trigger is not on the new table yet: the maintained tables already count these readings.
SELECT create_reading_partitions(day::date, 1)
FROM (SELECT DISTINCT date_trunc('day', eventTime) AS day FROM iot_device_events_unpartitioned) days;
SELECT create_reading_partitions(CAST(now() AT TIME ZONE 'UTC' AS date) - 1, 9);
INSERT INTO iot_device_events SELECT * FROM iot_device_events_unpartitioned;
DROP TABLE iot_device_events_unpartitioned;

CREATE INDEX iot_device_events_eventtime ON iot_device_events (eventTime);
CREATE INDEX iot_device_events_device_eventtime ON iot_device_events (deviceId, eventTime);
CREATE INDEX iot_device_events_late ON iot_device_events (ingestedAt DESC) WHERE late;
CREATE TRIGGER iot_device_events_analytics
    AFTER INSERT ON iot_device_events
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION record_reading_analytics();

-- The retention (readings.retentionDays, route maintain-partitions): drops the daily partitions of iot_device_events
-- before the given day and the default partition's readings before it, and with them the readings' keys (reading_keys,
-- V10) and their measurements beyond temperature (device_measurements, V12; found by its BRIN index on eventTime, V16).
-- Returns how many partitions it dropped. The analytics tables keep their counts. A repeatable migration: this is the
-- one definition to edit (V6, V10 and V16 each defined it in turn; Flyway runs this file after them).
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
        DELETE FROM device_measurements WHERE eventTime < before;
    END IF;
    RETURN dropped;
END $$;

-- The retention (readings.retentionDays) applies to the measurements beyond temperature too: drop_reading_partitions
-- now also deletes device_measurements rows of the days it drops, found by a BRIN index on eventTime (a few pages for
-- a table written roughly in time order, next to nothing per insert). The windows and device health keep their counts,
-- as the readings' analytics tables do.
CREATE INDEX device_measurements_event_time ON device_measurements USING brin (eventTime);

CREATE OR REPLACE FUNCTION drop_reading_partitions(before date) RETURNS integer LANGUAGE plpgsql AS $$
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
    DELETE FROM device_measurements WHERE eventTime < before;
    RETURN dropped;
END $$;

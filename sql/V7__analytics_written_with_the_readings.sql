-- The analytics move from the statement trigger into the statement that stores the readings (store_readings, in
-- R__reading_analytics.sql): it counts exactly the rows its INSERT ... ON CONFLICT DO NOTHING returned, in the same
-- statement, from typed arrays rather than JSON text, and marks each event's first reading from the app instead of
-- probing the table once per event.
DROP TRIGGER iot_device_events_analytics ON iot_device_events;
DROP FUNCTION record_reading_analytics();

-- One row per minute and Kafka partition instead of one per minute: each consumer thread owns its partitions, so no
-- single row serializes them. Rows from before count under partition -1.
ALTER TABLE ingest_minutes ADD COLUMN kafkaPartition INTEGER NOT NULL DEFAULT -1;
ALTER TABLE ingest_minutes DROP CONSTRAINT ingest_minutes_pkey;
ALTER TABLE ingest_minutes ADD PRIMARY KEY (minute, kafkaPartition);
ALTER TABLE ingest_minutes ALTER COLUMN kafkaPartition DROP DEFAULT;

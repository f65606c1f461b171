-- The Kafka record timestamp (the producer's send time) of each reading: with ingestedAt it gives the end-to-end
-- latency from publish to stored row (bench/pipeline-vs-raw.sh reads it). NULL for rows stored before this column.
ALTER TABLE iot_device_events ADD COLUMN kafkaTimestamp TIMESTAMPTZ;

-- The newest event time seen per Kafka partition, which decides what is late (analytics/LatenessPolicy).
SELECT kafkaTopic AS "topic", kafkaPartition AS "partition", CAST(maxEventTime AS text) AS "maxEventTime"
FROM stream_watermarks

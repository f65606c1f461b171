-- Views for dashboards (Power BI DirectQuery, Grafana, the app's own). Each reads the small maintained tables of
-- V2__stream_analytics.sql, never a scan of iot_device_events, so it answers in milliseconds at any table size.
-- A repeatable migration: Flyway re-applies it whenever this file changes.

-- Share of readings per status, over everything stored.
CREATE OR REPLACE VIEW v_status_distribution AS
SELECT s.status, s.readings,
       round(100.0 * s.readings / nullif(sum(s.readings) OVER (), 0), 2) AS sharePercent
FROM (SELECT 'SUCCESS' AS status, coalesce(sum(successCount), 0) AS readings FROM device_health
      UNION ALL SELECT 'ERROR', coalesce(sum(errorCount), 0) FROM device_health
      UNION ALL SELECT 'STANDBY', coalesce(sum(standbyCount), 0) FROM device_health) s;

-- Average, lowest and highest temperature per device, in Celsius, over everything stored.
CREATE OR REPLACE VIEW v_avg_temperature_by_device AS
SELECT customerId, deviceId, readings,
       round(temperatureSum / readings, 2) AS avgTemperatureC,
       temperatureMin AS minTemperatureC, temperatureMax AS maxTemperatureC
FROM device_health;

-- Per device and window of the configured size: filter by deviceId and windowStart.
CREATE OR REPLACE VIEW v_temperature_over_time AS
SELECT customerId, deviceId, windowStart, windowStart + make_interval(secs => windowSeconds) AS windowEnd,
       readings, round(temperatureSum / readings, 2) AS avgTemperatureC,
       temperatureMin AS minTemperatureC, temperatureMax AS maxTemperatureC,
       successCount, errorCount, standbyCount, lateCount, customerId || '/' || deviceId AS deviceKey
FROM device_metrics_1m
WHERE windowSeconds = metrics_window_seconds();

-- Per customer and window.
CREATE OR REPLACE VIEW v_customer_metrics AS
SELECT customerId, windowStart, windowStart + make_interval(secs => windowSeconds) AS windowEnd,
       readings, round(temperatureSum / readings, 2) AS avgTemperatureC,
       temperatureMin AS minTemperatureC, temperatureMax AS maxTemperatureC,
       successCount, errorCount, standbyCount, lateCount
FROM customer_metrics_1m
WHERE windowSeconds = metrics_window_seconds();

-- Late readings per event-time window, across devices.
CREATE OR REPLACE VIEW v_late_readings_per_window AS
SELECT windowStart, windowStart + make_interval(secs => windowSeconds) AS windowEnd,
       sum(lateCount) AS lateReadings, sum(readings) AS readings,
       round(100.0 * sum(lateCount) / sum(readings), 2) AS latePercent
FROM customer_metrics_1m
WHERE windowSeconds = metrics_window_seconds()
GROUP BY windowStart, windowSeconds;

-- Every device's health; silentSeconds counts from its last stored reading. deviceKey names a device uniquely (a
-- deviceId is unique within its customer only): the Power BI model relates devices to their windows and findings by it.
CREATE OR REPLACE VIEW v_device_health AS
SELECT customerId, deviceId, state, since, lastSeen, lastEventTime, lastStatus, lastTemperature, lastMeasure,
       round(extract(epoch FROM now() - lastSeen)::numeric, 1) AS secondsSinceLastSeen, readings,
       customerId || '/' || deviceId AS deviceKey, successCount, errorCount, standbyCount, lateCount,
       round(temperatureSum / readings, 2) AS avgTemperatureC,
       temperatureMin AS minTemperatureC, temperatureMax AS maxTemperatureC
FROM device_health;

-- One row per customer, for a customer slicer.
CREATE OR REPLACE VIEW v_customers AS
SELECT customerId, count(*) AS devices, sum(readings)::bigint AS readings
FROM device_health
GROUP BY customerId;

CREATE OR REPLACE VIEW v_silent_devices AS
SELECT customerId, deviceId, since AS silentSince, lastSeen, lastEventTime, lastStatus, lastTemperature, lastMeasure,
       round(extract(epoch FROM now() - lastSeen)::numeric, 1) AS secondsSinceLastSeen
FROM device_health
WHERE state = 'SILENT';

-- Missing events per (customer, publisher) stream: gaps in eventOffset.
CREATE OR REPLACE VIEW v_event_stream_gaps AS
SELECT customerId, eventPublisher, firstOffset, lastOffset, eventsSeen, missingEvents, updatedAt
FROM event_streams;

-- Readings stored per minute of ingestion time.
CREATE OR REPLACE VIEW v_ingest_rate_per_minute AS
SELECT minute, sum(readings)::bigint AS readings, sum(lateReadings)::bigint AS lateReadings,
       round(sum(readings) / 60.0, 1) AS readingsPerSecond,
       minute < date_trunc('minute', now()) AS complete   -- the current minute is still filling: rates use complete ones
FROM ingest_minutes
GROUP BY minute;

-- Findings of the anomaly detectors (route detect-anomalies): one row per reading and detector.
CREATE OR REPLACE VIEW v_anomalies AS
SELECT customerId, deviceId, detector, eventId, eventTime, score, expectedLow, expectedHigh, observed, detectedAt,
       customerId || '/' || deviceId AS deviceKey
FROM device_anomalies;

-- Input that could not become a reading, per reason (the raw payloads stay in iot_dead_letters).
CREATE OR REPLACE VIEW v_dead_letters_by_reason AS
SELECT reason, count(*) AS deadLetters, max(receivedAt) AS lastReceivedAt
FROM iot_dead_letters
GROUP BY reason;

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

-- Every measurement per device and window in its canonical unit: temperature (in C, from device_metrics_1m) and the
-- measurement catalog's (device_measurement_windows). What the report's measurement slicer and GET /api/metrics read.
CREATE OR REPLACE VIEW v_measurements_over_time AS
SELECT customerId, deviceId, CAST('temperature' AS VARCHAR(40)) AS measurement, CAST('°C' AS VARCHAR(16)) AS unit,
       windowStart, windowEnd, readings, avgTemperatureC AS avgValue, minTemperatureC AS minValue,
       maxTemperatureC AS maxValue, deviceKey
FROM v_temperature_over_time
UNION ALL
SELECT customerId, deviceId, measurement, unit, windowStart, windowStart + make_interval(secs => windowSeconds),
       readings, round(valueSum / readings, 2), valueMin, valueMax, customerId || '/' || deviceId
FROM device_measurement_windows
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
       temperatureMin AS minTemperatureC, temperatureMax AS maxTemperatureC,
       -- what the device is doing now: SILENT, or the status of its latest reading
       CASE WHEN state = 'SILENT' THEN 'SILENT' ELSE lastStatus END AS currentStatus,
       -- the same instants as UTC wall-clock time, like eventTime and the windows (a report shows one zone)
       lastSeen AT TIME ZONE 'UTC' AS lastSeenUtc, since AT TIME ZONE 'UTC' AS sinceUtc
FROM device_health;

-- One row per customer, for a customer slicer, with what it is doing now: when the pipeline last stored a reading
-- of it, and its readings and late readings of the last 15 minutes of event time (windows starting in them, UTC).
CREATE OR REPLACE VIEW v_customers AS
SELECT h.customerId, h.devices, h.readings, h.lastReadingAtUtc,
       round(extract(epoch FROM (now() AT TIME ZONE 'UTC') - h.lastReadingAtUtc)::numeric, 1) AS secondsSinceLastReading,
       coalesce(r.readings, 0)::bigint AS readingsLast15Minutes,
       coalesce(r.lateReadings, 0)::bigint AS lateReadingsLast15Minutes
FROM (SELECT customerId, count(*) AS devices, sum(readings)::bigint AS readings,
             max(lastSeen) AT TIME ZONE 'UTC' AS lastReadingAtUtc
      FROM device_health GROUP BY customerId) h
LEFT JOIN (SELECT customerId, sum(readings) AS readings, sum(lateCount) AS lateReadings
           FROM customer_metrics_1m
           WHERE windowSeconds = metrics_window_seconds()
             AND windowStart >= date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '15 minutes'
           GROUP BY customerId) r ON r.customerId = h.customerId;

CREATE OR REPLACE VIEW v_silent_devices AS
SELECT customerId, deviceId, since AS silentSince, lastSeen, lastEventTime, lastStatus, lastTemperature, lastMeasure,
       round(extract(epoch FROM now() - lastSeen)::numeric, 1) AS secondsSinceLastSeen,
       since AT TIME ZONE 'UTC' AS silentSinceUtc, lastSeen AT TIME ZONE 'UTC' AS lastSeenUtc
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
       customerId || '/' || deviceId AS deviceKey, detectedAt AT TIME ZONE 'UTC' AS detectedAtUtc, measurement, unit
FROM device_anomalies;

-- Input that could not become a reading, per reason (the raw payloads stay in iot_dead_letters).
CREATE OR REPLACE VIEW v_dead_letters_by_reason AS
SELECT reason, count(*) AS deadLetters, max(receivedAt) AS lastReceivedAt,
       max(receivedAt) AT TIME ZONE 'UTC' AS lastReceivedAtUtc
FROM iot_dead_letters
GROUP BY reason;

-- Readings stored per minute over the last 6 hours of complete minutes (UTC). A minute in which nothing was stored
-- has no ingest_minutes row; here it counts 0, so the rate drops to zero when ingestion stops instead of showing the
-- last healthy minute. The minute still filling is left out: it would read as a fall at every minute's start.
CREATE OR REPLACE VIEW v_ingest_rate_last_6_hours AS
SELECT m.minute AT TIME ZONE 'UTC' AS minuteUtc, coalesce(sum(i.readings), 0)::bigint AS readings,
       coalesce(sum(i.lateReadings), 0)::bigint AS lateReadings,
       round(coalesce(sum(i.readings), 0) / 60.0, 1) AS readingsPerSecond
FROM generate_series(date_trunc('minute', now()) - interval '360 minutes', date_trunc('minute', now()) - interval '1 minute',
                     interval '1 minute') AS m(minute)
LEFT JOIN ingest_minutes i ON i.minute = m.minute
GROUP BY m.minute;

-- Readings and late readings per customer in 5-minute buckets of event time over the last 24 hours (UTC): 288
-- buckets, under the 500 categories a column chart shows before it samples.
CREATE OR REPLACE VIEW v_late_readings_last_24_hours AS
SELECT customerId, date_bin(interval '5 minutes', windowStart, TIMESTAMP '2000-01-01') AS bucketStartUtc,
       sum(readings)::bigint AS readings, sum(lateCount)::bigint AS lateReadings
FROM customer_metrics_1m
WHERE windowSeconds = metrics_window_seconds()
  AND windowStart >= date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '24 hours'
GROUP BY 1, 2;

-- Per device and window over the last hour and the last 24 hours of event time (UTC), bounded here rather than by a
-- report's relative time filter: that one compares with the clock of the machine running the report (local time in
-- Desktop), while the windows are UTC.
CREATE OR REPLACE VIEW v_temperature_last_hour AS
SELECT * FROM v_temperature_over_time
WHERE windowStart >= date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '1 hour';

-- Every measurement's windows of the last hour, as v_temperature_last_hour for temperature: the report's Measurements
-- page reads this, so a refresh never reads all history.
CREATE OR REPLACE VIEW v_measurements_last_hour AS
SELECT * FROM v_measurements_over_time
WHERE windowStart >= date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '1 hour';

CREATE OR REPLACE VIEW v_temperature_last_24_hours AS
SELECT * FROM v_temperature_over_time
WHERE windowStart >= date_trunc('minute', now() AT TIME ZONE 'UTC') - interval '24 hours';

-- Findings detected in the last 24 hours, newest first by detectedAt (index device_anomalies_detected, V11). Scores
-- are in each detector's own unit (scoreUnit), so they compare within a detector only; expectedLow/High are in
-- expectedUnit (°C, but a count of errors for error-burst).
CREATE OR REPLACE VIEW v_recent_anomalies AS
SELECT customerId, deviceId, customerId || '/' || deviceId AS deviceKey, detector, eventId, eventTime AS eventTimeUtc,
       detectedAt AT TIME ZONE 'UTC' AS detectedAtUtc, score,
       CASE detector WHEN 'spike' THEN 'standard deviations from the mean'
                     WHEN 'stuck' THEN 'identical readings in a row'
                     WHEN 'drift' THEN 'band widths off the baseline'
                     WHEN 'error-burst' THEN 'ERROR readings in the window'
                     ELSE detector END AS scoreUnit,
       expectedLow, expectedHigh, CASE WHEN detector = 'error-burst' THEN 'errors' ELSE CAST(unit AS text) END AS expectedUnit,
       observed, measurement, unit
FROM device_anomalies
WHERE detectedAt >= now() - interval '24 hours';

-- Every ONLINE/SILENT change of a device and how long the device stayed in that state (until the next change, or
-- until now for its current one): the device's silence history. The window is partitioned by deviceKey so that a
-- filter on one device reaches device_state_changes_device_key (V11) instead of numbering every change.
CREATE OR REPLACE VIEW v_device_state_changes AS
SELECT customerId, deviceId, customerId || '/' || deviceId AS deviceKey, changeId, state, previousState,
       changedAt AT TIME ZONE 'UTC' AS changedAtUtc,
       round(extract(epoch FROM coalesce(lead(changedAt) OVER (PARTITION BY customerId || '/' || deviceId ORDER BY changeId),
                                         now()) - changedAt)::numeric, 1) AS secondsInState
FROM device_state_changes;

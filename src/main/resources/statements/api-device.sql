-- GET /api/devices/{deviceId}: the device's state per customer, its latest readings, its state changes, and its
-- health per measurement beyond temperature (the catalog's).
SELECT CASE WHEN count(*) > 0 THEN json_build_object(
    'deviceId', CAST(:#deviceId AS text),
    'customers', json_agg(h ORDER BY h."customerId"),
    'recentReadings', (SELECT coalesce(json_agg(r), '[]') FROM (
        SELECT eventId AS "eventId", customerId AS "customerId", eventTime AS "eventTime", status, temperature,
               measure, temperatureCelsius AS "temperatureCelsius", late, ingestedAt AS "ingestedAt"
        FROM iot_device_events
        WHERE deviceId = :#deviceId AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
        ORDER BY eventTime DESC LIMIT :#limit) r),
    'stateChanges', (SELECT coalesce(json_agg(c), '[]') FROM (
        SELECT customerId AS "customerId", state, previousState AS "previousState", changedAt AS "changedAt"
        FROM device_state_changes
        WHERE deviceId = :#deviceId AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
        ORDER BY changedAt DESC LIMIT 20) c),
    'measurements', (SELECT coalesce(json_agg(m), '[]') FROM (
        SELECT customerId AS "customerId", measurement, unit, lastValue AS "lastValue",
               lastEventTime AS "lastEventTime", lastSeen AS "lastSeen", readings,
               round(valueSum / readings, 2) AS "avg", valueMin AS "min", valueMax AS "max"
        FROM device_measurement_health
        WHERE deviceId = :#deviceId AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
        ORDER BY customerId, measurement) m))::text END
FROM (
    SELECT customerId AS "customerId", state, since, lastSeen AS "lastSeen", lastEventTime AS "lastEventTime",
           lastStatus AS "lastStatus", lastTemperature AS "lastTemperature", lastMeasure AS "lastMeasure", readings,
           round(temperatureSum / readings, 2) AS "avgTemperatureC", temperatureMin AS "minTemperatureC",
           temperatureMax AS "maxTemperatureC", successCount AS "successCount", errorCount AS "errorCount",
           standbyCount AS "standbyCount", lateCount AS "lateCount"
    FROM device_health
    WHERE deviceId = :#deviceId AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)) h

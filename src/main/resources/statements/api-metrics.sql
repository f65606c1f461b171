-- GET /api/metrics: the windows of v_temperature_over_time in [from, to), oldest first.
SELECT json_build_object('windowSeconds', metrics_window_seconds(), 'from', CAST(:#from AS timestamp),
                         'to', CAST(:#to AS timestamp), 'count', count(*), 'limit', CAST(:#limit AS integer),
                         'windows', coalesce(json_agg(w), '[]'))::text
FROM (
    SELECT customerId AS "customerId", deviceId AS "deviceId", windowStart AS "windowStart",
           windowEnd AS "windowEnd", readings, avgTemperatureC AS "avgTemperatureC",
           minTemperatureC AS "minTemperatureC", maxTemperatureC AS "maxTemperatureC",
           successCount AS "successCount", errorCount AS "errorCount", standbyCount AS "standbyCount",
           lateCount AS "lateCount"
    FROM v_temperature_over_time
    WHERE windowStart >= :#from AND windowStart < :#to
      AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)
      AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
    ORDER BY windowStart, customerId, deviceId LIMIT :#limit) w

-- GET /api/metrics: the windows of one measurement (temperature unless named) in [from, to), oldest first. Every window
-- says its measurement, unit, avg, min and max; temperature's keep their status and late counts (v_temperature_over_time).
SELECT json_build_object('windowSeconds', metrics_window_seconds(), 'measurement', CAST(:#measurement AS text),
                         'from', CAST(:#from AS timestamp), 'to', CAST(:#to AS timestamp), 'count', count(*),
                         'limit', CAST(:#limit AS integer),
                         'windows', coalesce(json_agg(w.window ORDER BY w.windowStart, w.customerId, w.deviceId), '[]'))::text
FROM (
    SELECT windowStart, customerId, deviceId, json_build_object('customerId', customerId, 'deviceId', deviceId,
               'windowStart', windowStart, 'windowEnd', windowEnd, 'readings', readings,
               'measurement', 'temperature', 'unit', '°C', 'avg', avgTemperatureC, 'min', minTemperatureC,
               'max', maxTemperatureC, 'avgTemperatureC', avgTemperatureC, 'minTemperatureC', minTemperatureC,
               'maxTemperatureC', maxTemperatureC, 'successCount', successCount, 'errorCount', errorCount,
               'standbyCount', standbyCount, 'lateCount', lateCount) AS window
    FROM v_temperature_over_time
    WHERE CAST(:#measurement AS text) = 'temperature'
      AND windowStart >= :#from AND windowStart < :#to
      AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)
      AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
    UNION ALL
    SELECT windowStart, customerId, deviceId, json_build_object('customerId', customerId, 'deviceId', deviceId,
               'windowStart', windowStart, 'windowEnd', windowEnd, 'readings', readings,
               'measurement', measurement, 'unit', unit, 'avg', avgValue, 'min', minValue, 'max', maxValue)
    FROM v_measurements_over_time
    WHERE CAST(:#measurement AS text) <> 'temperature' AND measurement = :#measurement
      AND windowStart >= :#from AND windowStart < :#to
      AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)
      AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
    ORDER BY 1, 2, 3 LIMIT :#limit) w

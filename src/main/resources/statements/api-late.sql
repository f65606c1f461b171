-- GET /api/late: the latest late readings, and the late share per window in [from, to).
SELECT json_build_object(
    'count', count(*), 'limit', CAST(:#limit AS integer),
    'lateReadings', coalesce(json_agg(l), '[]'),
    'windows', (SELECT coalesce(json_agg(w ORDER BY w."windowStart"), '[]') FROM (
        SELECT windowStart AS "windowStart", windowEnd AS "windowEnd", lateReadings AS "lateReadings", readings,
               latePercent AS "latePercent"
        FROM v_late_readings_per_window
        WHERE windowStart >= :#from AND windowStart < :#to
        ORDER BY windowStart DESC LIMIT 1440) w))::text
FROM (
    SELECT eventId AS "eventId", customerId AS "customerId", deviceId AS "deviceId", eventTime AS "eventTime",
           ingestedAt AS "ingestedAt", status, temperature, measure
    FROM iot_device_events WHERE late ORDER BY ingestedAt DESC LIMIT :#limit) l

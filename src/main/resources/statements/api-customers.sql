-- GET /api/customers: one summary per customer, paged by customerId.
SELECT json_build_object(
    'total', (SELECT count(DISTINCT customerId) FROM device_health),
    'count', count(*), 'limit', CAST(:#limit AS integer),
    'nextCursor', CASE WHEN count(*) = CAST(:#limit AS integer) THEN max(c."customerId") END,
    'customers', coalesce(json_agg(c ORDER BY c."customerId"), '[]'))::text
FROM (
    SELECT customerId AS "customerId", count(*) AS devices, count(*) FILTER (WHERE state = 'ONLINE') AS online,
           count(*) FILTER (WHERE state = 'SILENT') AS silent,
           count(*) FILTER (WHERE lastStatus = 'ERROR') AS "errorDevices", sum(readings) AS readings,
           sum(errorCount) AS "errorReadings", sum(lateCount) AS "lateReadings",
           round(sum(temperatureSum) / sum(readings), 2) AS "avgTemperatureC", max(lastSeen) AS "lastSeen"
    FROM device_health
    WHERE CAST(:#cursor AS text) IS NULL OR customerId > :#cursor
    GROUP BY customerId ORDER BY customerId LIMIT :#limit) c

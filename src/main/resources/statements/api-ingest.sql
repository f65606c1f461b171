-- GET /api/ingest: readings stored per minute, the latest minutes.
SELECT json_build_object('minutes', coalesce(json_agg(m ORDER BY m.minute), '[]'))::text
FROM (
    SELECT minute, readings, lateReadings AS "lateReadings", readingsPerSecond AS "readingsPerSecond", complete
    FROM v_ingest_rate_per_minute
    ORDER BY minute DESC LIMIT :#limit) m

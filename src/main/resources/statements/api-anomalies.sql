-- GET /api/anomalies: findings in [from, to), newest first.
SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),
                         'anomalies', coalesce(json_agg(a), '[]'))::text
FROM (
    SELECT eventId AS "eventId", customerId AS "customerId", deviceId AS "deviceId", measurement, unit, detector, score,
           expectedLow AS "expectedLow", expectedHigh AS "expectedHigh", observed, eventTime AS "eventTime",
           detectedAt AS "detectedAt"
    FROM v_anomalies
    WHERE eventTime >= :#from AND eventTime < :#to
      AND (CAST(:#deviceId AS text) IS NULL OR deviceId = :#deviceId)
      AND (CAST(:#customerId AS text) IS NULL OR customerId = :#customerId)
      AND (CAST(:#detector AS text) IS NULL OR detector = :#detector)
    ORDER BY eventTime DESC LIMIT :#limit) a

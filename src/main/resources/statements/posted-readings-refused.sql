SELECT p.eventId::text AS "eventId", p.deviceId AS "deviceId",
       CASE WHEN k.eventTime IS NOT NULL AND k.eventTime <> p.eventTime
            THEN 'already stored with eventTime ' || to_char(k.eventTime, 'YYYY-MM-DD HH24:MI:SS.US')
            WHEN k.eventTime IS NOT NULL THEN 'already stored with other values'
            ELSE 'eventOffset ' || p.eventOffset || ' is more than ' || max_offset_jump() || ' outside the offsets '
                 || r.firstOffset || ' to ' || r.lastOffset || ' of this customer and publisher'
       END AS "reason"
FROM unnest(CAST(# AS uuid[]), CAST(# AS text[]), CAST(# AS bigint[]), CAST(# AS text[]), CAST(# AS timestamp[]),
            CAST(# AS text[]), CAST(# AS text[]), CAST(# AS text[]), CAST(# AS float8[]), CAST(# AS float8[]),
            CAST(# AS boolean[]), CAST(# AS jsonb[]))
     AS p(eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
          temperatureCelsius, late, extraFields)
LEFT JOIN reading_keys k ON k.eventId = p.eventId AND k.deviceId = p.deviceId
LEFT JOIN event_streams s ON s.customerId = p.customerId AND s.eventPublisher = p.eventPublisher
CROSS JOIN LATERAL (SELECT coalesce(s.firstOffset, min(q.eventOffset)) AS firstOffset,
                           coalesce(s.lastOffset, min(q.eventOffset)) AS lastOffset
                    FROM unnest(CAST(# AS text[]), CAST(# AS text[]), CAST(# AS bigint[])) AS q(customerId, eventPublisher, eventOffset)
                    WHERE q.customerId = p.customerId AND q.eventPublisher = p.eventPublisher) r
WHERE (k.eventId IS NOT NULL AND (k.eventTime, k.fingerprint) IS DISTINCT FROM (p.eventTime,
          reading_fingerprint(p.customerId, p.eventOffset, p.eventPublisher, p.measure, p.status, p.temperature,
                              p.extraFields)))
   OR (k.eventId IS NULL AND max_offset_jump() > 0
       AND (p.eventOffset::numeric > r.lastOffset::numeric + max_offset_jump()
            OR p.eventOffset::numeric < r.firstOffset::numeric - max_offset_jump()))
ORDER BY 1, 2

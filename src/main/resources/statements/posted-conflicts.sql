SELECT p.eventId::text AS "eventId", p.deviceId AS "deviceId",
       to_char(k.eventTime, 'YYYY-MM-DD HH24:MI:SS.US') AS "storedEventTime",
       k.eventTime <> p.eventTime AS "otherEventTime"
FROM unnest(CAST(# AS uuid[]), CAST(# AS text[]), CAST(# AS bigint[]), CAST(# AS text[]), CAST(# AS timestamp[]),
            CAST(# AS text[]), CAST(# AS text[]), CAST(# AS text[]), CAST(# AS float8[]), CAST(# AS float8[]),
            CAST(# AS boolean[]), CAST(# AS jsonb[]))
     AS p(eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure, status, temperature,
          temperatureCelsius, late, extraFields)
JOIN reading_keys k ON k.eventId = p.eventId AND k.deviceId = p.deviceId
WHERE (k.eventTime, k.fingerprint) IS DISTINCT FROM (p.eventTime, reading_fingerprint(p.customerId, p.eventOffset,
      p.eventPublisher, p.measure, p.status, p.temperature, p.extraFields))
ORDER BY 1, 2

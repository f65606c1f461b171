-- GET /api/silent: devices that stopped reporting, longest silent first.
SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),
                         'devices', coalesce(json_agg(s), '[]'))::text
FROM (
    SELECT customerId AS "customerId", deviceId AS "deviceId", silentSince AS "silentSince", lastSeen AS "lastSeen",
           lastEventTime AS "lastEventTime", lastStatus AS "lastStatus", lastTemperature AS "lastTemperature",
           lastMeasure AS "lastMeasure", secondsSinceLastSeen AS "secondsSinceLastSeen"
    FROM v_silent_devices
    ORDER BY silentSince, customerId, deviceId LIMIT :#limit) s

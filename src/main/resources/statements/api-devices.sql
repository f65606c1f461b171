-- GET /api/devices: one page of the fleet in one sort order, keyset-paged. api/FleetPage fills in the sort: {{sort}}
-- (its name), {{sortValue}} (what it sorts by), {{order}} (the ORDER BY list), {{after}} (the keyset condition after
-- the cursor) and {{filters}} (the query's filters).
WITH page AS (
    SELECT customerId AS "customerId", deviceId AS "deviceId", state, since, lastSeen AS "lastSeen",
           lastEventTime AS "lastEventTime", lastStatus AS "lastStatus", lastTemperature AS "lastTemperature",
           lastMeasure AS "lastMeasure", readings, round(temperatureSum / readings, 2) AS "avgTemperatureC",
           {{sortValue}} AS "sortValue", row_number() OVER (ORDER BY {{order}}) AS "position"
    FROM device_health
    WHERE {{filters}}
      AND (CAST(:#afterCustomer AS text) IS NULL OR {{after}})
    ORDER BY {{order}} LIMIT :#limit)
SELECT json_build_object(
    'total', (SELECT count(*) FROM device_health WHERE {{filters}}),
    'count', (SELECT count(*) FROM page), 'limit', CAST(:#limit AS integer),
    'nextCursor', (SELECT translate(encode(convert_to(json_build_array('{{sort}}', "sortValue", "customerId", "deviceId")::text,
                                                      'UTF8'), 'base64'), E'+/=\n', '-_')
                   FROM page WHERE "position" = CAST(:#limit AS integer)),
    'devices', (SELECT coalesce(json_agg(to_jsonb(page) - 'sortValue' - 'position' ORDER BY "position"), '[]')
                FROM page))::text

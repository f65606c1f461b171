-- GET /api/gaps: event streams with missing eventOffsets, most missing first.
SELECT json_build_object('count', count(*), 'limit', CAST(:#limit AS integer),
                         'streams', coalesce(json_agg(g), '[]'))::text
FROM (
    SELECT customerId AS "customerId", eventPublisher AS "eventPublisher", firstOffset AS "firstOffset",
           lastOffset AS "lastOffset", eventsSeen AS "eventsSeen", missingEvents AS "missingEvents"
    FROM v_event_stream_gaps
    WHERE missingEvents > 0
    ORDER BY missingEvents DESC, customerId LIMIT :#limit) g

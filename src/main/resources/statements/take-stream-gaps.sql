-- Event streams whose count of missing events changed since it was last logged.
WITH changed AS (
    UPDATE event_streams SET reportedMissing = missingEvents WHERE missingEvents <> reportedMissing
    RETURNING customerId, eventPublisher, firstOffset, lastOffset, eventsSeen, missingEvents)
SELECT customerId AS "customerId", eventPublisher AS "eventPublisher", firstOffset AS "firstOffset",
       lastOffset AS "lastOffset", eventsSeen AS "eventsSeen", missingEvents AS "missingEvents"
FROM changed ORDER BY 1, 2

-- Claimed first, marked sent after the send: an instance that dies in between leaves a claim that another one (or
-- this one, restarted) takes over after a minute, so an alert is delayed, not lost.
UPDATE device_anomalies a SET alertClaimedAt = now()
FROM (SELECT eventId, deviceId, measurement, detector FROM device_anomalies
      WHERE alertedAt IS NULL AND (alertClaimedAt IS NULL OR alertClaimedAt < now() - interval '1 minute')
      ORDER BY detectedAt LIMIT 500 FOR UPDATE SKIP LOCKED) t
WHERE a.eventId = t.eventId AND a.deviceId = t.deviceId AND a.measurement = t.measurement AND a.detector = t.detector
RETURNING CAST(a.eventId AS text) AS "eventId", a.deviceId AS "deviceId", a.measurement AS "measurement",
          a.unit AS "unit", a.detector AS "detector",
          a.customerId AS "customerId", a.score AS "score", a.expectedLow AS "expectedLow",
          a.expectedHigh AS "expectedHigh", a.observed AS "observed",
          to_char(a.eventTime, 'YYYY-MM-DD HH24:MI:SS.US') AS "eventTime"

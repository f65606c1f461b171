-- The UPDATE re-checks lastSeen after waiting for a row lock, so a device whose reading is being stored right now is
-- not marked SILENT.
WITH silenced AS (
    UPDATE device_health SET previousState = state, state = 'SILENT',
           since = lastSeen + make_interval(secs => CAST(:#thresholdSeconds AS double precision))
    WHERE state = 'ONLINE' AND lastSeen < :#silentBefore
    RETURNING customerId, deviceId, since)
INSERT INTO device_state_changes (customerId, deviceId, state, previousState, changedAt)
SELECT customerId, deviceId, 'SILENT', 'ONLINE', since FROM silenced ORDER BY 1, 2

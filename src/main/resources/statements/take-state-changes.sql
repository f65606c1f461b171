-- Taking the unlogged changes and marking them logged is one statement: with several instances each change is logged
-- by exactly one of them.
WITH taken AS (
    UPDATE device_state_changes c SET loggedAt = now() FROM device_health h
    WHERE c.loggedAt IS NULL AND h.customerId = c.customerId AND h.deviceId = c.deviceId
    RETURNING c.changeId, c.customerId, c.deviceId, c.state, c.previousState, c.changedAt, h.lastSeen)
SELECT customerId AS "customerId", deviceId AS "deviceId", state AS "state", previousState AS "previousState",
       changedAt AS "changedAt", lastSeen AS "lastSeen"
FROM taken ORDER BY changeId

-- Rebuilds a catalog measurement's anomaly detectors at start (anomaly/AnomalyState): each known device's latest values
-- of the measurement within the last hours, oldest first; one short walk of the series index per device.
-- Parameters: measurement, hours, values per device. No status: a measurement's detectors judge values only.
SELECT r.customerId, r.deviceId, r.eventId, r.eventTime, r.value, CAST(NULL AS text) AS status
FROM device_health h CROSS JOIN LATERAL (
    SELECT customerId, deviceId, eventId, eventTime, value
    FROM device_measurements m
    WHERE m.measurement = ? AND m.customerId = h.customerId AND m.deviceId = h.deviceId
      AND m.eventTime > (now() AT TIME ZONE 'UTC') - make_interval(hours => ?)
    ORDER BY m.eventTime DESC LIMIT ?) r
ORDER BY r.eventTime

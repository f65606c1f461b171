-- Rebuilds the anomaly detectors at start (anomaly/AnomalyState): each known device's latest readings within the last
-- hours, oldest first; one short walk of the (deviceId, eventTime) index per device, not a sort of the hours' readings.
-- Parameters: hours, readings per device.
SELECT r.customerId, r.deviceId, r.eventId, r.eventTime, r.temperatureCelsius, r.status
FROM device_health h CROSS JOIN LATERAL (
    SELECT customerId, deviceId, eventId, eventTime, temperatureCelsius, status
    FROM iot_device_events e
    WHERE e.deviceId = h.deviceId AND e.customerId = h.customerId
      AND e.eventTime > (now() AT TIME ZONE 'UTC') - make_interval(hours => ?)
    ORDER BY e.eventTime DESC LIMIT ?) r
ORDER BY r.eventTime

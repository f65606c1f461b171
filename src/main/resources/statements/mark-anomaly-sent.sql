UPDATE device_anomalies SET alertedAt = now()
WHERE eventId = CAST(:#eventId AS uuid) AND deviceId = :#deviceId AND measurement = :#measurement
  AND detector = :#detector

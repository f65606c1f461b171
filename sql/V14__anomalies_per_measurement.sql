-- A finding names the measurement it judged: temperature (every finding before this), or a catalog measurement whose
-- detectors are configured in measurements.yaml; observed and expectedLow/High are in that measurement's unit. A reading
-- may now have one finding per measurement and detector.
ALTER TABLE device_anomalies ADD COLUMN measurement VARCHAR(40) NOT NULL DEFAULT 'temperature';
ALTER TABLE device_anomalies ADD COLUMN unit VARCHAR(16) NOT NULL DEFAULT '°C';
ALTER TABLE device_anomalies DROP CONSTRAINT device_anomalies_pkey;
ALTER TABLE device_anomalies ADD PRIMARY KEY (eventId, deviceId, measurement, detector);

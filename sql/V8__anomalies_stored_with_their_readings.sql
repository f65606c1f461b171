-- Findings are stored by store_readings in the statement that stores their readings (only a finding whose reading
-- that statement inserted), and published to the alerts topic afterwards by route publish-anomaly-alerts:
-- alertedAt marks the ones sent, alertClaimedAt the ones an instance is sending (a claim older than a minute is
-- taken over, so a crash between claim and send delays an alert but does not lose it).
ALTER TABLE device_anomalies
    ADD COLUMN alertClaimedAt TIMESTAMPTZ,
    ADD COLUMN alertedAt      TIMESTAMPTZ;
UPDATE device_anomalies SET alertedAt = detectedAt;
CREATE INDEX device_anomalies_unalerted ON device_anomalies (detectedAt) WHERE alertedAt IS NULL;

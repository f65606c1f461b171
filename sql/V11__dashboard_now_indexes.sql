-- The Power BI report's "now" pages (issue 28). The Anomalies page reads the findings of the last 24 hours by
-- detectedAt (v_recent_anomalies), which only the partial index of unalerted findings covered; the device page reads
-- one device's findings and state changes by deviceKey (customerId/deviceId), the key its model relates them by.
-- Findings and state changes are few next to readings, so these cost the ingest path little.
CREATE INDEX device_anomalies_detected ON device_anomalies (detectedAt);
CREATE INDEX device_anomalies_device_key ON device_anomalies ((customerId || '/' || deviceId), detectedAt);
CREATE INDEX device_state_changes_device_key ON device_state_changes ((customerId || '/' || deviceId), changeId);

-- The Power BI model relates devices to their windows by deviceKey (customerId/deviceId, v_device_health and
-- v_temperature_over_time): a slicer on devices then filters the windows through this index instead of scanning every
-- window of the time range. Keys never change, so the upserts of a window stay HOT.
CREATE INDEX device_metrics_1m_device_key ON device_metrics_1m ((customerId || '/' || deviceId), windowSeconds, windowStart);

-- A setting the database side needs (pipeline_settings: metrics.windowSeconds, streams.maxOffsetJump), saved at start.
INSERT INTO pipeline_settings (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = excluded.value

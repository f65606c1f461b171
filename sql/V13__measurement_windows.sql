-- Per device and measurement, per event-time window (metrics.windowSeconds): count, exact sum (the average does not
-- depend on batch boundaries), min and max in the canonical unit. Kept by store_readings from exactly the measurements
-- it inserted, in the same statement: exact under replay, as device_metrics_1m is for temperature.
CREATE TABLE device_measurement_windows (
    customerId    VARCHAR(20)      NOT NULL,
    deviceId      VARCHAR(20)      NOT NULL,
    measurement   VARCHAR(40)      NOT NULL,
    windowSeconds INTEGER          NOT NULL,
    windowStart   TIMESTAMP        NOT NULL,
    unit          VARCHAR(16)      NOT NULL,
    readings      BIGINT           NOT NULL,
    valueSum      NUMERIC          NOT NULL,
    valueMin      DOUBLE PRECISION NOT NULL,
    valueMax      DOUBLE PRECISION NOT NULL,
    updatedAt     TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (measurement, customerId, deviceId, windowSeconds, windowStart)
) WITH (fillfactor = 70);
CREATE INDEX device_measurement_windows_window ON device_measurement_windows (measurement, windowSeconds, windowStart);

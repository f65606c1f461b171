-- Findings of the anomaly detectors (io.iotpipeline.anomaly, route detect-anomalies). Keyed by the reading and the
-- detector, so replaying the same events never adds a second row.
CREATE TABLE device_anomalies (
    eventId       UUID             NOT NULL,
    deviceId      VARCHAR(20)      NOT NULL,
    detector      VARCHAR(20)      NOT NULL,
    customerId    VARCHAR(20)      NOT NULL,
    score         DOUBLE PRECISION NOT NULL,
    expectedLow   DOUBLE PRECISION,            -- the normal range, when the detector has one (°C or errors)
    expectedHigh  DOUBLE PRECISION,
    observed      DOUBLE PRECISION NOT NULL,   -- °C
    eventTime     TIMESTAMP        NOT NULL,
    detectedAt    TIMESTAMPTZ      NOT NULL DEFAULT now(),
    PRIMARY KEY (eventId, deviceId, detector)
);
CREATE INDEX device_anomalies_device_time ON device_anomalies (deviceId, eventTime);
CREATE INDEX device_anomalies_time ON device_anomalies (eventTime);

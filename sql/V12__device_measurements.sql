-- The measurements beyond temperature (the measurement catalog, measurements.yaml): one row per (eventId, deviceId,
-- measurement), in the measurement's canonical unit with the value and unit as sent. Written by store_readings in the
-- transaction that stores its reading, only for a reading it inserted: a replay adds nothing. The seed's
-- iot_device_events is unchanged (its extraFields keep the fields as sent).
CREATE TABLE device_measurements (
    eventId      UUID             NOT NULL,
    deviceId     VARCHAR(20)      NOT NULL,
    measurement  VARCHAR(40)      NOT NULL,
    customerId   VARCHAR(20)      NOT NULL,
    eventTime    TIMESTAMP        NOT NULL,
    value        DOUBLE PRECISION NOT NULL,
    unit         VARCHAR(16)      NOT NULL,
    sentValue    DOUBLE PRECISION NOT NULL,
    sentUnit     VARCHAR(16)      NOT NULL,
    PRIMARY KEY (eventId, deviceId, measurement)
);
-- a device's series of one measurement, by time: the API's and the report's reads
CREATE INDEX device_measurements_series ON device_measurements (measurement, customerId, deviceId, eventTime);

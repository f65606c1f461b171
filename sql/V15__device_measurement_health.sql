-- Each device's health per measurement beyond temperature (device_health keeps temperature's): when it first and last
-- sent the measurement (event time and arrival), its latest value, count, exact sum, min and max in the canonical unit.
-- Kept by store_readings from exactly the measurements it inserted: exact under replay. A station whose pressure
-- sensor stops while its thermometer goes on shows here (lastSeen of pressure falls behind).
CREATE TABLE device_measurement_health (
    customerId     VARCHAR(20)      NOT NULL,
    deviceId       VARCHAR(20)      NOT NULL,
    measurement    VARCHAR(40)      NOT NULL,
    unit           VARCHAR(16)      NOT NULL,
    firstSeen      TIMESTAMPTZ      NOT NULL DEFAULT now(),
    lastSeen       TIMESTAMPTZ      NOT NULL DEFAULT now(),
    lastEventTime  TIMESTAMP        NOT NULL,
    lastValue      DOUBLE PRECISION NOT NULL,
    readings       BIGINT           NOT NULL,
    valueSum       NUMERIC          NOT NULL,
    valueMin       DOUBLE PRECISION NOT NULL,
    valueMax       DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (customerId, deviceId, measurement)
) WITH (fillfactor = 70);

-- One row per device reading. The seed keyed this table on eventId alone, which rejects every device of an event
-- after the first; a reading is identified by (eventId, deviceId).
CREATE TABLE iot_device_events (
    eventId        UUID             NOT NULL,
    customerId     VARCHAR(20)      NOT NULL,
    eventOffset    BIGINT           NOT NULL,
    eventPublisher VARCHAR(50)      NOT NULL,
    eventTime      TIMESTAMP        NOT NULL,   -- UTC, as devices send it
    deviceId       VARCHAR(20)      NOT NULL,
    measure        VARCHAR(10)      NOT NULL,
    status         VARCHAR(20)      NOT NULL,
    temperature    DOUBLE PRECISION NOT NULL,
    extraFields    JSONB,                       -- sensor fields beyond the fixed ones (humidity, pressure, ...)
    ingestedAt     TIMESTAMPTZ      NOT NULL DEFAULT now(),
    kafkaTopic     VARCHAR(255),
    kafkaPartition INTEGER,
    kafkaOffset    BIGINT,
    PRIMARY KEY (eventId, deviceId)
);

CREATE INDEX iot_device_events_eventtime ON iot_device_events (eventTime);
CREATE INDEX iot_device_events_device_eventtime ON iot_device_events (deviceId, eventTime);

-- Input that could not become a reading, with the reason and the raw payload: nothing is dropped silently.
CREATE TABLE iot_dead_letters (
    deadLetterId   BIGSERIAL    PRIMARY KEY,
    deadLetterKey  TEXT         NOT NULL UNIQUE,  -- source record (and device): redelivery adds nothing
    reason         TEXT         NOT NULL,
    payload        TEXT,                          -- capped at 64 KiB; payloadLength keeps the original size
    payloadLength  INTEGER      NOT NULL,
    eventId        VARCHAR(100),
    deviceId       VARCHAR(100),
    kafkaTopic     VARCHAR(255),
    kafkaPartition INTEGER,
    kafkaOffset    BIGINT,
    receivedAt     TIMESTAMPTZ  NOT NULL DEFAULT now()
);

CREATE INDEX iot_dead_letters_receivedat ON iot_dead_letters (receivedAt);

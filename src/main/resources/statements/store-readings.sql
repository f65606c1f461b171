-- One row batch (ReadingColumns: one typed array per column, in this order): store_readings inserts the readings and
-- updates the analytics from exactly the rows it inserted, in one statement (sql/R__reading_analytics.sql).
SELECT store_readings(
    CAST(# AS uuid[]),         -- eventId
    CAST(# AS text[]),         -- customerId
    #,                         -- eventOffset
    CAST(# AS text[]),         -- eventPublisher
    CAST(# AS timestamp[]),    -- eventTime
    CAST(# AS text[]),         -- deviceId
    CAST(# AS text[]),         -- measure
    CAST(# AS text[]),         -- status
    #,                         -- temperature
    #,                         -- temperatureCelsius
    #,                         -- late
    CAST(# AS jsonb[]),        -- extraFields
    CAST(# AS text[]),         -- kafkaTopic
    #,                         -- kafkaPartition
    #,                         -- kafkaOffset
    CAST(# AS timestamptz[]),  -- kafkaTimestamp
    #,                         -- first reading of its event
    CAST(# AS jsonb),          -- the anomaly findings of the batch
    CAST(# AS jsonb)           -- the measurements beyond temperature of the readings
) AS stored

-- GET /api/late and the dashboard list the newest late readings: a partial index holds only those (a few percent of
-- the rows), so the query reads a handful of index entries at any table size.
CREATE INDEX iot_device_events_late ON iot_device_events (ingestedAt DESC) WHERE late;

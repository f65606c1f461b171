-- The readings' primary key leads with the device and the time, not the random eventId (issue 31). Led by a random
-- UUID, every row went to a random page of an index as large as the table, read in and, after each checkpoint, written
-- whole into the WAL; by device and time, a device's rows go to the right edge of its part of the index, which stays
-- in memory. The key holds the same columns, so it says what it said (and ON CONFLICT (eventId, deviceId, eventTime)
-- still names it), and it also serves the per-device time queries the index on (deviceId, eventTime) served, so that
-- index goes. What identifies a reading, (eventId, deviceId), stays reading_keys' primary key, which also finds a
-- reading by its eventId.
ALTER TABLE iot_device_events DROP CONSTRAINT iot_device_events_by_day_pkey;
ALTER TABLE iot_device_events ADD PRIMARY KEY (deviceId, eventTime, eventId);
DROP INDEX iot_device_events_device_eventtime;

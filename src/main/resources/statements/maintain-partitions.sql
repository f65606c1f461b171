-- Daily partitions of iot_device_events ahead of time, and the retention (sql/V6__partition_readings_by_event_time.sql).
SELECT create_reading_partitions(CAST(now() AT TIME ZONE 'UTC' AS date), CAST(:#daysAhead AS integer)) AS created,
       CASE WHEN CAST(:#retentionDays AS integer) > 0
            THEN drop_reading_partitions(CAST(now() AT TIME ZONE 'UTC' AS date) - CAST(:#retentionDays AS integer))
            ELSE 0 END AS dropped

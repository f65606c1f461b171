package io.iotpipeline.it;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

import io.iotpipeline.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.camel.main.Main;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * iot_device_events partitioned by event time (sql/V6): an existing database migrates without losing or recounting a
 * reading, readings land in their day's partition (stragglers in the default one), replays stay idempotent, the
 * pipeline creates partitions ahead, and the retention drops whole days.
 */
class PartitionIT {

    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd");

    static String insert(String eventId, String deviceId, String eventTime, String conflict) {
        return "INSERT INTO iot_device_events (eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId,"
                + " measure, status, temperature, temperatureCelsius, late) VALUES ('" + eventId + "', 'CI00900', 10001,"
                + " 'device', TIMESTAMP '" + eventTime + "', '" + deviceId + "', 'C', 'SUCCESS', 20, 20, false)"
                + " ON CONFLICT " + conflict + " DO NOTHING";
    }

    static String store(String eventId, String deviceId, String eventTime) {
        return "SELECT store_readings(ARRAY['" + eventId + "']::uuid[], ARRAY['CI00900'], ARRAY[10001::bigint],"
                + " ARRAY['device'], ARRAY[TIMESTAMP '" + eventTime + "'], ARRAY['" + deviceId + "'], ARRAY['C'],"
                + " ARRAY['SUCCESS'], ARRAY[20::float8], ARRAY[20::float8], ARRAY[false], ARRAY[NULL::jsonb], ARRAY['t'],"
                + " ARRAY[0], ARRAY[1::bigint], ARRAY[NULL::timestamptz], ARRAY[true], NULL)";
    }

    @Test
    void anExistingDatabaseMigratesWithoutLosingOrRecountingAReading() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().setPort(EmbeddedServers.freePort()).start()) {
            String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
            var dataSource = io.iotpipeline.store.TestPool.of(url, "postgres", "", 2);
            // a database of version 5 as it was: its versioned scripts only, since today's repeatable ones (views and
            // functions) read tables of later versions
            Flyway.configure().dataSource(dataSource).locations("classpath:sql").target("5")
                    .repeatableSqlMigrationPrefix("NONE_AT_VERSION_5_").load().migrate();
            Rows rows = new Rows(url, "postgres", "");
            String today = LocalDate.now(ZoneOffset.UTC) + " 10:00:00";
            String[] ids = {UUID.randomUUID().toString(), UUID.randomUUID().toString()};
            rows.execute(insert(ids[0], "D001", "2023-01-05 11:13:53.643364", "(eventId, deviceId)"));
            rows.execute(insert(ids[0], "D002", "2023-01-05 11:13:53.643364", "(eventId, deviceId)"));
            rows.execute(insert(ids[1], "D001", today, "(eventId, deviceId)"));
            long counted = rows.count("select sum(readings) from device_health");
            assertEquals(3, counted);

            Database.migrate(dataSource, url, "postgres");

            assertEquals(3, rows.count("select count(*) from iot_device_events"));
            assertEquals(counted, rows.count("select sum(readings) from device_health"), "the analytics count once");
            assertEquals(2, rows.count("select count(*) from iot_device_events_20230105"));
            assertEquals(1, rows.count("select count(*) from iot_device_events_"
                    + LocalDate.now(ZoneOffset.UTC).format(DAY)));
            assertEquals(0, rows.count("select count(*) from iot_device_events_default"));
            // a replay conflicts on (eventId, deviceId, eventTime): the same reading carries the same eventTime
            rows.execute(insert(ids[0], "D001", "2023-01-05 11:13:53.643364", "(eventId, deviceId, eventTime)"));
            assertEquals(3, rows.count("select count(*) from iot_device_events"));
            assertEquals(counted, rows.count("select sum(readings) from device_health"));
            // new readings are stored with their analytics by store_readings (sql/R__reading_analytics.sql, V7)
            assertEquals(1, rows.count(store(UUID.randomUUID().toString(), "D003", today)));
            assertEquals(counted + 1, rows.count("select sum(readings) from device_health"));
            dataSource.close();
        }
    }

    @Test
    void thePipelineCreatesPartitionsAheadAndTheRetentionDropsWholeDays() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-partition-it");
        servers.properties().put("simulator.enabled", "false");
        servers.properties().put("readings.partitions.daysAhead", "20");
        Main main = servers.startPipeline();
        try {
            Rows rows = servers.rows();
            String ahead = "iot_device_events_" + LocalDate.now(ZoneOffset.UTC).plusDays(19).format(DAY);
            Eventually.await(java.time.Duration.ofSeconds(30), ahead + " created by the maintain-partitions route",
                    () -> rows.count("select count(*) from pg_class where relname = '" + ahead + "'") == 1);

            rows.execute(insert(UUID.randomUUID().toString(), "D001", "2019-03-01 00:00:00", "(eventId, deviceId, eventTime)"));
            assertEquals(1, rows.count("select count(*) from iot_device_events_default"), "a straggler without a day");
            assertEquals(0, rows.count("select create_reading_partitions(DATE '2019-03-01', 1)"),
                    "a day with stragglers in the default partition keeps them there");
            assertEquals(1, rows.count("select create_reading_partitions(DATE '2019-02-27', 1)"));
            rows.execute(insert(UUID.randomUUID().toString(), "D001", "2019-02-27 12:00:00", "(eventId, deviceId, eventTime)"));
            // a reading stored as the pipeline stores it, which also claims its key in reading_keys
            assertEquals(1, rows.count(store(UUID.randomUUID().toString(), "D002", "2019-02-27 13:00:00")));
            assertEquals(2, rows.count("select count(*) from iot_device_events_20190227"));

            // a measurement of that day, and one of a later day
            rows.execute("INSERT INTO device_measurements (eventId, deviceId, measurement, customerId, eventTime, value,"
                    + " unit, sentValue, sentUnit) VALUES (gen_random_uuid(), 'W01', 'pressure', 'CI00900',"
                    + " TIMESTAMP '2019-02-27 12:00:00', 1013, 'hPa', 1013, 'hPa'), (gen_random_uuid(), 'W01', 'pressure',"
                    + " 'CI00900', TIMESTAMP '2019-03-05 12:00:00', 1012, 'hPa', 1012, 'hPa')");

            assertEquals(1, rows.count("select drop_reading_partitions(DATE '2019-03-02')"), "the 2019-02-27 partition");
            assertEquals(0, rows.count("select count(*) from iot_device_events where eventTime < '2019-03-02'"));
            assertEquals(0, rows.count("select count(*) from reading_keys where eventTime < '2019-03-02'"),
                    "the keys of the readings dropped go with them");
            assertEquals(0, rows.count("select count(*) from device_measurements where eventTime < '2019-03-02'"),
                    "the measurements of the days dropped go with them");
            assertEquals(1, rows.count("select count(*) from device_measurements where eventTime = '2019-03-05 12:00:00'"));
            assertTrue(rows.count("select count(*) from pg_class where relname = '" + ahead + "'") == 1,
                    "newer days are kept");
        } finally {
            main.stop();
        }
    }
}

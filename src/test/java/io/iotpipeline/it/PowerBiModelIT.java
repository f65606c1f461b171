package io.iotpipeline.it;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.iotpipeline.report.PowerBiProject;
import io.iotpipeline.store.Database;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Power BI semantic model against a real PostgreSQL after the migrations: every model column exists, with a
 * compatible type, in the view its table's DirectQuery partition reads; each table's query answers with rows once
 * readings, a finding and a dead letter are stored; and the relationships the model marks as relying on referential
 * integrity (inner joins in DirectQuery) hold; and the views of the "now" pages answer what is happening now.
 */
class PowerBiModelIT {

    /** The PostgreSQL types a Power BI data type reads without conversion errors. */
    static final Map<String, Set<String>> COMPATIBLE = Map.of(
            "string", Set.of("character varying", "text", "uuid", "character"),
            "int64", Set.of("bigint", "integer", "smallint"),
            "double", Set.of("double precision", "numeric", "real"),
            "decimal", Set.of("numeric"),
            "dateTime", Set.of("timestamp without time zone", "timestamp with time zone", "date"),
            "boolean", Set.of("boolean"));

    static EmbeddedPostgres postgres;
    static Rows rows;
    final PowerBiProject project = PowerBiProject.read();

    @BeforeAll
    static void migratedDatabaseWithReadings() throws Exception {
        postgres = EmbeddedPostgres.builder().setPort(EmbeddedServers.freePort()).start();
        String url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
        Database.migrate(io.iotpipeline.store.TestPool.of(url, "postgres", "", 2), url, "postgres");
        rows = new Rows(url, "postgres", "");
        String event = UUID.randomUUID().toString();
        rows.execute("SELECT store_readings(ARRAY['" + event + "', '" + event + "']::uuid[], ARRAY['CI00100', 'CI00100'],"
                + " ARRAY[10001, 10001]::bigint[], ARRAY['device', 'device'],"
                + " ARRAY[now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'],"
                + " ARRAY['D001', 'D002'], ARRAY['C', 'C'], ARRAY['SUCCESS', 'ERROR'], ARRAY[21.5, 22.5]::float8[],"
                + " ARRAY[21.5, 22.5]::float8[], ARRAY[false, true], ARRAY[NULL, NULL]::jsonb[], ARRAY['t', 't'],"
                + " ARRAY[0, 0], ARRAY[1, 1]::bigint[], ARRAY[NULL, NULL]::timestamptz[], ARRAY[true, false], NULL,"
                // D001 is also a weather station: humidity in %, pressure sent in kPa and stored in hPa
                + " jsonb_build_array(" + measurement("humidity", "45.5", "%", "45.5", "%") + ", "
                + measurement("pressure", "1013.2", "hPa", "101.32", "kPa") + "))");
        rows.execute("UPDATE device_health SET state = 'SILENT' WHERE deviceId = 'D002'");
        rows.execute("INSERT INTO device_state_changes (customerId, deviceId, state, previousState, changedAt)"
                + " VALUES ('CI00100', 'D002', 'SILENT', 'ONLINE', now() + interval '30 seconds')");
        rows.execute("INSERT INTO device_anomalies (eventId, deviceId, detector, customerId, score, expectedLow, expectedHigh,"
                + " observed, eventTime) VALUES ('" + event + "', 'D001', 'spike', 'CI00100', 9.5, 20, 23, 21.5, now())");
        rows.execute("INSERT INTO device_anomalies (eventId, deviceId, detector, customerId, score, expectedLow, expectedHigh,"
                + " observed, eventTime, detectedAt) VALUES ('" + event + "', 'D001', 'drift', 'CI00100', 1.5, 15, 25, 21.5,"
                + " now() - interval '2 days', now() - interval '2 days')");
        // 600 readings in the minute five minutes ago, nothing in the four after it
        rows.execute("INSERT INTO ingest_minutes (minute, kafkaPartition, readings, lateReadings)"
                + " VALUES (date_trunc('minute', now()) - interval '5 minutes', 0, 600, 6)");
        rows.execute("INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength)"
                + " VALUES ('t/0/7', 'INVALID_JSON', '{', 1)");
    }

    /**
     * A row of store_readings' measurements parameter for D001's reading, the batch's first (keys lower-case:
     * jsonb_to_recordset folds).
     */
    private static String measurement(String name, String value, String unit, String sentValue, String sentUnit) {
        return "jsonb_build_object('position', 1, 'measurement', '" + name + "', 'value', " + value + ", 'unit', '" + unit
                + "', 'sentvalue', " + sentValue + ", 'sentunit', '" + sentUnit + "')";
    }

    @AfterAll
    static void stop() throws Exception {
        postgres.close();
    }

    @Test
    void everyModelColumnIsInItsViewWithACompatibleType() throws Exception {
        int checked = 0;
        for (PowerBiProject.Table table : project.tables.values()) {
            Map<String, String> viewColumns = new HashMap<>();
            for (Map<String, Object> column : rows.query("SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_schema = 'public' AND table_name = '" + table.view() + "'")) {
                viewColumns.put((String) column.get("column_name"), (String) column.get("data_type"));
            }
            assertTrue(!viewColumns.isEmpty(), table.name() + " reads " + table.view() + ", which the migrations do not create");
            for (PowerBiProject.Column column : table.columns().values()) {
                String type = viewColumns.get(column.sourceColumn());
                assertNotNull(type, table.name() + "." + column.name() + ": no column " + column.sourceColumn() + " in " + table.view());
                assertTrue(COMPATIBLE.get(column.dataType()).contains(type), table.name() + "." + column.name() + " is "
                        + column.dataType() + " but " + table.view() + "." + column.sourceColumn() + " is " + type);
                checked++;
            }
        }
        assertTrue(checked >= 80, checked + " columns checked");
    }

    @Test
    void everyTableAnswersWithRows() throws Exception {
        for (PowerBiProject.Table table : project.tables.values()) {
            String columns = String.join(", ", table.columns().values().stream().map(PowerBiProject.Column::sourceColumn).toList());
            List<Map<String, Object>> answer = rows.query("SELECT " + columns + " FROM " + table.view());
            assertTrue(!answer.isEmpty(), table.name() + " (" + table.view() + ") has no rows");
        }
    }

    @Test
    void theRelationshipsHoldTheirReferentialIntegrity() throws Exception {
        assertTrue(!project.relationships.isEmpty());
        for (PowerBiProject.Relationship relationship : project.relationships) {
            PowerBiProject.Table from = project.tables.get(relationship.fromTable());
            PowerBiProject.Table to = project.tables.get(relationship.toTable());
            String fromColumn = from.columns().get(relationship.fromColumn()).sourceColumn();
            String toColumn = to.columns().get(relationship.toColumn()).sourceColumn();
            assertEquals(0, rows.count("SELECT count(*) FROM " + from.view() + " f WHERE NOT EXISTS (SELECT 1 FROM "
                    + to.view() + " t WHERE t." + toColumn + " = f." + fromColumn + ")"), relationship + ": every row has its one");
            assertEquals(0, rows.count("SELECT count(*) FROM (SELECT " + toColumn + " FROM " + to.view() + " GROUP BY "
                    + toColumn + " HAVING count(*) > 1) duplicates"), relationship + ": the one side is unique");
        }
    }

    @Test
    void theIngestRateCountsAMinuteWithoutReadingsAsZero() throws Exception {
        List<Map<String, Object>> minutes = rows.query("SELECT minuteUtc, readingsPerSecond, readings,"
                + " minuteUtc = (date_trunc('minute', now()) - interval '5 minutes') AT TIME ZONE 'UTC' AS busy,"
                + " minuteUtc = (date_trunc('minute', now()) - interval '4 minutes') AT TIME ZONE 'UTC' AS quiet"
                + " FROM v_ingest_rate_last_6_hours ORDER BY minuteUtc");
        assertEquals(360, minutes.size(), "six hours of complete minutes, each with a row");
        Map<String, Object> busy = minutes.stream().filter(minute -> (Boolean) minute.get("busy")).findFirst().orElseThrow();
        assertEquals(0, new java.math.BigDecimal("10.0").compareTo((java.math.BigDecimal) busy.get("readingspersecond")), busy.toString());
        Map<String, Object> quiet = minutes.stream().filter(minute -> (Boolean) minute.get("quiet")).findFirst().orElseThrow();
        assertEquals(0L, ((Number) quiet.get("readings")).longValue(), "a minute with no readings stored: " + quiet);
        assertEquals(0, rows.count("SELECT count(*) FROM v_ingest_rate_last_6_hours WHERE minuteUtc >= date_trunc('minute', now() AT TIME ZONE 'UTC')"),
                "the minute still filling is left out");
    }

    @Test
    void eachCustomerShowsItsLast15MinutesAndTheTimeSinceItsLastReading() throws Exception {
        Map<String, Object> customer = rows.query("SELECT * FROM v_customers WHERE customerId = 'CI00100'").get(0);
        assertEquals(2L, ((Number) customer.get("readingslast15minutes")).longValue(), customer.toString());
        assertEquals(1L, ((Number) customer.get("latereadingslast15minutes")).longValue(), customer.toString());
        double seconds = ((Number) customer.get("secondssincelastreading")).doubleValue();
        assertTrue(seconds >= 0 && seconds < 300, customer.toString());
        assertEquals(1, rows.count("SELECT count(*) FROM v_late_readings_last_24_hours WHERE customerId = 'CI00100'"
                + " AND readings = 2 AND lateReadings = 1"), "one 5-minute bucket with both readings, one late");
    }

    @Test
    void devicesShowTheirCurrentStatusAndSilenceHistory() throws Exception {
        assertEquals(List.of("SUCCESS", "SILENT"), rows.query("SELECT currentStatus FROM v_device_health ORDER BY deviceId")
                .stream().map(row -> row.get("currentstatus")).toList());
        List<Map<String, Object>> changes = rows.query("SELECT state, secondsInState FROM v_device_state_changes"
                + " WHERE deviceKey = 'CI00100/D002' ORDER BY changeId");
        assertEquals(List.of("ONLINE", "SILENT"), changes.stream().map(row -> row.get("state")).toList());
        double online = ((Number) changes.get(0).get("secondsinstate")).doubleValue();
        assertTrue(online >= 29 && online < 300, "online until the silence 30 s after its reading: " + changes);
    }

    @Test
    void theMeasurementsPageReadsEveryMeasurementWithItsUnit() throws Exception {
        PowerBiProject.Table table = project.tables.get("Measurements over Time");
        assertNotNull(table, "the table of the Measurements page");
        assertEquals("v_measurements_last_hour", table.view(), "the last hour, as Trends reads temperature");
        assertEquals(List.of(Map.of("measurement", "humidity", "unit", "%", "avgvalue", new java.math.BigDecimal("45.50")),
                        Map.of("measurement", "pressure", "unit", "hPa", "avgvalue", new java.math.BigDecimal("1013.20")),
                        Map.of("measurement", "temperature", "unit", "°C", "avgvalue", new java.math.BigDecimal("21.50"))),
                rows.query("SELECT measurement, unit, avgValue FROM v_measurements_over_time WHERE deviceKey = 'CI00100/D001'"
                        + " ORDER BY measurement"), "temperature beside the catalog's measurements, each in its unit");
        assertEquals(1, rows.count("SELECT count(DISTINCT unit) FROM v_measurements_over_time WHERE measurement = 'pressure'"),
                "one unit per measurement: the report's unit card shows it for the measurement picked");
    }

    @Test
    void theAnomaliesPageReadsOnlyRecentFindingsWithTheirScoreUnit() throws Exception {
        List<Map<String, Object>> recent = rows.query("SELECT detector, scoreUnit, expectedUnit FROM v_recent_anomalies");
        assertEquals(List.of(Map.of("detector", "spike", "scoreunit", "standard deviations from the mean", "expectedunit", "°C")),
                recent, "the drift finding of two days ago is not recent");
    }
}

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
 * integrity (inner joins in DirectQuery) hold.
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
                + " ARRAY[10001, 10001]::bigint[], ARRAY['device', 'device'], ARRAY[now()::timestamp, now()::timestamp],"
                + " ARRAY['D001', 'D002'], ARRAY['C', 'C'], ARRAY['SUCCESS', 'ERROR'], ARRAY[21.5, 22.5]::float8[],"
                + " ARRAY[21.5, 22.5]::float8[], ARRAY[false, true], ARRAY[NULL, NULL]::jsonb[], ARRAY['t', 't'],"
                + " ARRAY[0, 0], ARRAY[1, 1]::bigint[], ARRAY[NULL, NULL]::timestamptz[], ARRAY[true, false], NULL)");
        rows.execute("UPDATE device_health SET state = 'SILENT' WHERE deviceId = 'D002'");
        rows.execute("INSERT INTO device_anomalies (eventId, deviceId, detector, customerId, score, expectedLow, expectedHigh,"
                + " observed, eventTime) VALUES ('" + event + "', 'D001', 'spike', 'CI00100', 9.5, 20, 23, 21.5, now())");
        rows.execute("INSERT INTO iot_dead_letters (deadLetterKey, reason, payload, payloadLength)"
                + " VALUES ('t/0/7', 'INVALID_JSON', '{', 1)");
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
}

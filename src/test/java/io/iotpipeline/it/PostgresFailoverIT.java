package io.iotpipeline.it;

import java.nio.file.Files;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * PostgreSQL fails over: a primary with a synchronous streaming standby (the machine's PostgreSQL 15), the pipeline on
 * a multi-host JDBC URL with targetServerType=primary. The primary is SIGKILLed mid-stream and the standby promoted,
 * as a failover manager would; the pipeline finds the new primary by itself. Every commit the primary acknowledged is
 * on the standby, so nothing is lost and nothing is stored twice. ({@link FaultScenario})
 */
@Tag("faults")
class PostgresFailoverIT {

    @Test
    void thePrimaryIsKilledAndTheStandbyPromoted() throws Exception {
        try (ReplicatedPostgres servers = ReplicatedPostgres.start();
                ProductionPath path = new ProductionPath("faults-database-failover",
                        ProductionPath.Setup.withDatabase(servers.url()))) {
            Rows primary = new Rows(servers.primaryUrl(), "postgres", "");
            Rows standby = new Rows(servers.standbyUrl(), "postgres", "");
            assertEquals("sync", primary.query("select sync_state from pg_stat_replication where application_name = '"
                    + ReplicatedPostgres.STANDBY_NAME + "'").get(0).get("sync_state"), "the standby replicates synchronously");

            Streaming streaming = streamingUnderLoad(path);
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            Eventually.await(Duration.ofSeconds(60), "10000 rows on the primary",
                    () -> primary.count("select count(*) from iot_device_events") > 10_000);
            long onPrimary = primary.count("select count(*) from iot_device_events");
            int killed = servers.killPrimary();
            long down = System.nanoTime();
            // what the primary had acknowledged, the standby has: read it there before it takes over
            long onStandby = standby.count("select count(*) from iot_device_events");
            Thread.sleep(5000); // no primary while the failover is decided: writes fail and are retried
            servers.promoteStandby();
            long promoted = System.nanoTime();
            double noPrimary = (promoted - down) / 1e9;
            Eventually.await(Duration.ofSeconds(120), "new rows on the promoted standby",
                    () -> standby.count("select count(*) from iot_device_events") > onStandby + 5000);
            double firstRows = (System.nanoTime() - promoted) / 1e9;
            double recovery = awaitCaughtUp(path, promoted);
            assertTrue(pipeline.isAlive() && load.isAlive(), "neither process gave up");
            long retries = Files.readString(path.log(pipeline)).lines()
                    .filter(line -> line.contains("On delivery attempt")).count();
            Figures figures = finish(path, load, "postgres primary killed, standby promoted", recovery, String.format(
                    "primary SIGKILLed (%d processes) with >= %d rows, the synchronous standby had %d; no primary for"
                    + " %.1f s; 5000 new rows %.1f s after the promotion; %d write retries; recovery: promotion to"
                    + " caught up", killed, onPrimary, onStandby, noPrimary, firstRows, retries));
            assertTrue(onStandby >= onPrimary, "every row the primary had acknowledged is on the standby");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }
}

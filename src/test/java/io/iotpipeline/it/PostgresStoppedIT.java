package io.iotpipeline.it;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static io.iotpipeline.it.FaultScenario.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PostgreSQL stopped for 30 s under load: retries with backoff, readiness DOWN, the API answers 503. ({@link FaultScenario}) */
@Tag("faults")
class PostgresStoppedIT {

    @Test
    void postgresStoppedForThirtySeconds() throws Exception {
        try (ProductionPath path = new ProductionPath("faults-database", ProductionPath.Setup.withOwnDatabase())) {
            Streaming streaming = streamingUnderLoad(path);
            Process pipeline = streaming.pipeline();
            Process load = streaming.load();
            assertEquals(200, status(path, pipeline, "/observe/health/ready"));

            path.stopDatabase();
            long stopped = System.nanoTime();
            Eventually.await(Duration.ofSeconds(25), "readiness DOWN while PostgreSQL is stopped",
                    () -> status(path, pipeline, "/observe/health/ready") == 503);
            double downAfter = (System.nanoTime() - stopped) / 1e9;
            assertEquals(200, status(path, pipeline, "/observe/health/live"), "alive: an outage is not a reason to restart");
            HttpResponse<String> apiWhileDown = HTTP.send(path.asReader(pipeline, "/api/status")
                    .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, apiWhileDown.statusCode(), "the API tells clients to retry: " + apiWhileDown.body());
            assertEquals("5", apiWhileDown.headers().firstValue("Retry-After").orElse(null));
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(30) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped)));
            path.startDatabase();
            long started = System.nanoTime();
            Eventually.await(Duration.ofSeconds(60), "readiness UP once PostgreSQL is back",
                    () -> status(path, pipeline, "/observe/health/ready") == 200);
            double upAfter = (System.nanoTime() - started) / 1e9;
            double recovery = awaitCaughtUp(path, started);
            assertTrue(pipeline.isAlive(), "the pipeline stayed up");
            String log = Files.readString(path.log(pipeline));
            long retries = log.lines().filter(line -> line.contains("On delivery attempt")).count();
            Figures figures = finish(path, load, "postgres stopped 30 s", recovery, String.format(
                    "readiness DOWN %.1f s after the stop, UP %.1f s after the start; %d write retries with backoff;"
                    + " recovery: PostgreSQL start to caught up", downAfter, upAfter, retries));
            assertTrue(retries > 0, "writes were retried while PostgreSQL was away");
            assertTrue(figures.expected() > 10_000, "a real stream: " + figures.expected());
        }
    }
}

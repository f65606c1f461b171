package io.iotpipeline.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import io.iotpipeline.Application;
import io.iotpipeline.embedded.EmbeddedDatabase;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Readiness follows the database: DOWN while PostgreSQL is stopped, UP again when it is back, while liveness stays
 * UP throughout (the pipeline waits an outage out; it must not be restarted for it).
 */
class ReadinessIT {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readinessIsDownWhileTheDatabaseIsStoppedAndUpWhenItIsBack() throws Exception {
        EmbeddedServers servers = EmbeddedServers.onFreePorts("iot-pipeline-readiness-it");
        Path dbDir = Files.createTempDirectory("iot-pipeline-readiness-db");
        int dbPort = EmbeddedServers.freePort();
        EmbeddedDatabase database = EmbeddedDatabase.start(dbDir, dbPort);
        Properties props = servers.properties();
        props.put("db.url", database.jdbcUrl());
        props.put("db.user", database.user());
        props.put("db.password", database.password());
        props.put("simulator.eventsPerSecond", "20");
        Main main = Application.camelMain();
        main.setOverrideProperties(props);
        main.start();
        String base = "http://localhost:" + servers.httpPort() + "/observe/health";
        try {
            Eventually.await(Duration.ofSeconds(60), "ready", () -> status(base + "/ready").equals("UP"));

            database.close();
            Eventually.await(Duration.ofSeconds(60), "readiness DOWN without the database",
                    () -> status(base + "/ready").equals("DOWN"));
            assertEquals("UP", status(base + "/live"));

            database = EmbeddedDatabase.start(dbDir, dbPort);
            Eventually.await(Duration.ofSeconds(60), "readiness UP with the database back",
                    () -> status(base + "/ready").equals("UP"));
        } finally {
            main.stop();
            database.close();
        }
    }

    private String status(String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return io.iotpipeline.domain.EventJson.MAPPER.readTree(response.body()).path("status").asText();
    }
}

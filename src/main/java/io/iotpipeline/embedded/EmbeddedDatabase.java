package io.iotpipeline.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server started from Maven-shipped binaries, keeping its data under a data directory. It runs as a
 * child process, so it may outlive a killed JVM: a leftover server on the same data directory is stopped first.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final EmbeddedPostgres postgres;
    private final int port;

    private EmbeddedDatabase(EmbeddedPostgres postgres, int port) {
        this.postgres = postgres;
        this.port = port;
    }

    public static EmbeddedDatabase start(Path dataDirectory, int port) throws IOException {
        Path dir = dataDirectory.toAbsolutePath();
        Files.createDirectories(dir);
        stopLeftoverServer(dir);
        long started = System.nanoTime();
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(dir)
                .setCleanDataDirectory(false)
                .setPort(port)
                // it keeps the user's data: durable commits, unlike the library's test-speed default
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("fsync", "on")
                .setPGStartupWait(Duration.ofSeconds(60))
                // stopped by the Camel context after the routes have drained, not by a racing JVM hook
                .setRegisterShutdownHook(false)
                .start();
        LOG.info("Embedded PostgreSQL started in {} ms at jdbc:postgresql://localhost:{}/postgres, data in {}."
                + " Set db.url=jdbc:postgresql://host:5432/db (or DB_URL, with DB_USER and DB_PASSWORD) to use your own"
                + " PostgreSQL instead", (System.nanoTime() - started) / 1_000_000, port, dir);
        return new EmbeddedDatabase(postgres, port);
    }

    private static void stopLeftoverServer(Path dir) throws IOException {
        Path pidFile = dir.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> leftover = Files.readAllLines(pidFile).stream().findFirst()
                .map(String::trim).filter(s -> s.matches("\\d+"))
                .flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
        if (leftover.isPresent()) {
            LOG.warn("Stopping the PostgreSQL server (pid {}) left running on {} by an earlier run", leftover.get().pid(), dir);
            leftover.get().destroy();
            leftover.get().onExit().orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (IOException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }
}

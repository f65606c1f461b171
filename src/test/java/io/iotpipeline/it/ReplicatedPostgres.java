package io.iotpipeline.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL primary and its streaming standby, with synchronous replication, from the machine's PostgreSQL 15
 * binaries ({@code /usr/lib/postgresql/15/bin}, Debian's {@code postgresql} package; {@code pg.bin} overrides): a
 * commit is acknowledged only once the standby has flushed it to disk, so promoting the standby loses no
 * acknowledged commit. Run as the {@code postgres} user when the test runs as root (initdb refuses root).
 */
final class ReplicatedPostgres implements AutoCloseable {

    static final Path BIN = Path.of(System.getProperty("pg.bin", "/usr/lib/postgresql/15/bin"));
    static final String STANDBY_NAME = "standby1";

    private final Path root;
    final int primaryPort;
    final int standbyPort;
    private final Path primary;
    private final Path standby;

    private ReplicatedPostgres(Path root, int primaryPort, int standbyPort) {
        this.root = root;
        this.primaryPort = primaryPort;
        this.standbyPort = standbyPort;
        this.primary = root.resolve("primary");
        this.standby = root.resolve("standby");
    }

    static ReplicatedPostgres start() throws Exception {
        if (!Files.isExecutable(BIN.resolve("postgres"))) {
            throw new IllegalStateException("PostgreSQL 15's binaries are not at " + BIN
                    + ": apt-get install postgresql (as .ci/run does), or set -Dpg.bin");
        }
        Path root = Files.createTempDirectory("iot-replicated-pg");
        ReplicatedPostgres servers = new ReplicatedPostgres(root, EmbeddedServers.freePort(), EmbeddedServers.freePort());
        servers.initPrimary();
        servers.initStandby();
        return servers;
    }

    private void initPrimary() throws Exception {
        chownToPostgres(root);
        run(BIN.resolve("initdb").toString(), "-D", primary.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync");
        Files.writeString(primary.resolve("postgresql.auto.conf"), settings(primaryPort,
                "synchronous_commit = on",
                // a commit waits until this standby has it on disk
                "synchronous_standby_names = 'FIRST 1 (" + STANDBY_NAME + ")'"));
        Files.writeString(primary.resolve("pg_hba.conf"), String.join("\n",
                "local all all trust",
                "host all all 127.0.0.1/32 trust",
                "host replication all 127.0.0.1/32 trust", ""));
        chownToPostgres(primary);
        pgCtl(primary, "start");
    }

    private void initStandby() throws Exception {
        run(BIN.resolve("pg_basebackup").toString(), "-h", "localhost", "-p", String.valueOf(primaryPort), "-U",
                "postgres", "-D", standby.toString(), "-X", "stream", "--no-sync");
        // the standby's own settings; once promoted it has no standby of its own, so it must not wait for one
        Files.writeString(standby.resolve("postgresql.auto.conf"), settings(standbyPort,
                "synchronous_standby_names = ''",
                "primary_conninfo = 'host=localhost port=" + primaryPort + " user=postgres application_name="
                        + STANDBY_NAME + "'"));
        Files.createFile(standby.resolve("standby.signal"));
        chownToPostgres(standby);
        pgCtl(standby, "start");
    }

    /** A server's postgresql.auto.conf: what both need to stream WAL, on loopback only, and its own lines. */
    private String settings(int port, String... own) {
        List<String> lines = new ArrayList<>(List.of("port = " + port, "listen_addresses = 'localhost'",
                "unix_socket_directories = '" + root + "'", "wal_level = replica", "max_wal_senders = 5",
                "hot_standby = on", "fsync = on", "max_connections = 60"));
        lines.addAll(List.of(own));
        return String.join("\n", lines) + "\n";
    }

    /** Both servers as one JDBC URL: pgjdbc connects to whichever is the primary now. */
    String url() {
        return "jdbc:postgresql://localhost:" + primaryPort + ",localhost:" + standbyPort
                + "/postgres?targetServerType=primary";
    }

    String primaryUrl() {
        return "jdbc:postgresql://localhost:" + primaryPort + "/postgres";
    }

    String standbyUrl() {
        return "jdbc:postgresql://localhost:" + standbyPort + "/postgres";
    }

    /** SIGKILL of the primary's postmaster and every process it started: no shutdown, no last WAL sent. */
    int killPrimary() throws Exception {
        return crash(primary);
    }

    /**
     * SIGKILL of the postmaster running on {@code dataDir} and of every process it started, the postmaster first so it
     * can neither start new children nor shut down cleanly: the next start runs crash recovery. Returns how many.
     */
    static int crash(Path dataDir) throws Exception {
        long pid = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
                "no PostgreSQL running with pid " + pid));
        List<ProcessHandle> all = new ArrayList<>(postmaster.descendants().toList());
        all.add(0, postmaster);
        all.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : all) {
            process.onExit().get(30, TimeUnit.SECONDS);
        }
        return all.size();
    }

    /** Makes the standby the primary (what a failover manager such as Patroni does), waiting until it is. */
    void promoteStandby() throws Exception {
        pgCtl(standby, "promote");
    }

    private void pgCtl(Path dataDir, String action) throws Exception {
        run(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-l", dataDir.resolve("server.log").toString(),
                "-w", "-t", "60", action);
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static void chownToPostgres(Path path) throws Exception {
        if (root()) {
            Process chown = new ProcessBuilder("chown", "-R", "postgres:postgres", path.toString()).inheritIO().start();
            if (chown.waitFor() != 0) {
                throw new IOException("chown postgres " + path + " failed");
            }
        }
    }

    private static void run(String... command) throws Exception {
        List<String> line = new ArrayList<>();
        if (root()) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    @Override
    public void close() throws Exception {
        for (Path dataDir : List.of(standby, primary)) {
            if (Files.exists(dataDir.resolve("postmaster.pid"))) {
                try {
                    run(BIN.resolve("pg_ctl").toString(), "-D", dataDir.toString(), "-m", "immediate", "-w", "stop");
                } catch (IOException e) {
                    // a killed primary has nothing to stop
                }
            }
        }
        try (var paths = Files.walk(root)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

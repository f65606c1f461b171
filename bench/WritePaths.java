// Issue 19, item 4: the cheapest idempotent bulk write. The same readings are written in batches into an empty copy
// of iot_device_events' columns and keys, three ways, each batch one transaction with ON CONFLICT DO NOTHING:
//   json    INSERT ... SELECT FROM json_populate_recordset(?)   (the pipeline's write path until V7)
//   unnest  INSERT ... SELECT FROM unnest(?::uuid[], ?::text[], ...), one typed array per column (since V7)
//   copy    COPY (text format) into a temporary staging table, then INSERT ... SELECT ... ON CONFLICT
// Each batch is then written a second time (a replay: every row conflicts). Prints the wall time, the client's CPU and
// the database backend's CPU (from /proc: run it on the database's machine) per reading, best of three rounds.
//   java -cp target/iot-pipeline.jar bench/WritePaths.java <jdbcUrl> <user> <password> [readings] [batch]
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import org.postgresql.PGConnection;

public class WritePaths {

    static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");
    static final String COLUMNS = "eventId, customerId, eventOffset, eventPublisher, eventTime, deviceId, measure,"
            + " status, temperature, temperatureCelsius, late, kafkaTopic, kafkaPartition, kafkaOffset, kafkaTimestamp";

    record Reading(UUID eventId, String customerId, long eventOffset, String eventTime, String deviceId,
            double temperature, String status, int partition, long offset, String kafkaTimestamp) {
    }

    public static void main(String[] args) throws Exception {
        int readings = args.length > 3 ? Integer.parseInt(args[3]) : 300_000;
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : 6000;
        List<Reading> all = readings(readings);
        try (Connection db = DriverManager.getConnection(args[0], args[1], args[2])) {
            db.setAutoCommit(false);
            long backend;
            try (ResultSet pid = db.createStatement().executeQuery("select pg_backend_pid()")) {
                pid.next();
                backend = pid.getLong(1);
            }
            db.commit();
            System.out.printf("%d readings in batches of %d, each written twice (the second time all conflict)%n",
                    readings, batch);
            System.out.printf("%-8s %12s %14s %16s%n", "path", "readings/s", "client us/rdg", "database us/rdg");
            for (String path : List.of("json", "unnest", "copy")) {
                double bestWall = Double.MAX_VALUE, bestClient = 0, bestDb = 0;
                for (int round = 0; round < 3; round++) {
                    createTable(db);
                    long wall0 = System.nanoTime(), client0 = cpuNanos(), db0 = backendCpuMicros(backend);
                    for (int from = 0; from < all.size(); from += batch) {
                        List<Reading> rows = all.subList(from, Math.min(all.size(), from + batch));
                        for (int pass = 0; pass < 2; pass++) {
                            write(db, path, rows);
                            db.commit();
                        }
                    }
                    double wall = (System.nanoTime() - wall0) / 1e9;
                    if (wall < bestWall) {
                        bestWall = wall;
                        bestClient = (cpuNanos() - client0) / 1e3 / readings;
                        bestDb = (double) (backendCpuMicros(backend) - db0) / readings;
                    }
                    try (Statement s = db.createStatement(); ResultSet count = s.executeQuery("select count(*) from wp")) {
                        count.next();
                        if (count.getLong(1) != readings) {
                            throw new IllegalStateException(path + ": " + count.getLong(1) + " rows");
                        }
                    }
                    db.commit();
                }
                System.out.printf("%-8s %12.0f %14.1f %16.1f%n", path, readings / bestWall, bestClient, bestDb);
            }
        }
    }

    static List<Reading> readings(int n) {
        Random random = new Random(1);
        LocalDateTime start = LocalDateTime.now().withNano(0);
        List<Reading> all = new ArrayList<>(n);
        for (int i = 0; i < n; i += 3) {
            UUID eventId = UUID.randomUUID();
            String customer = String.format("CI%05d", 100 + random.nextInt(200));
            String time = TIME.format(start.plusNanos(1_000_000L * i));
            for (int d = 1; d <= 3 && i + d - 1 < n; d++) {
                all.add(new Reading(eventId, customer, 10001 + i, time, "D00" + d, Math.round(random.nextDouble() * 400) / 10.0,
                        "SUCCESS", i % 6, i, java.time.Instant.now().toString()));
            }
        }
        return all;
    }

    static void createTable(Connection db) throws Exception {
        try (Statement s = db.createStatement()) {
            s.execute("DROP TABLE IF EXISTS wp");
            s.execute("CREATE TABLE wp (eventId uuid NOT NULL, customerId varchar(20) NOT NULL, eventOffset bigint NOT NULL,"
                    + " eventPublisher varchar(50) NOT NULL, eventTime timestamp NOT NULL, deviceId varchar(20) NOT NULL,"
                    + " measure varchar(10) NOT NULL, status varchar(20) NOT NULL, temperature double precision NOT NULL,"
                    + " temperatureCelsius double precision NOT NULL, late boolean NOT NULL DEFAULT false, extraFields jsonb,"
                    + " ingestedAt timestamptz NOT NULL DEFAULT now(), kafkaTopic varchar(255), kafkaPartition integer,"
                    + " kafkaOffset bigint, kafkaTimestamp timestamptz, PRIMARY KEY (eventId, deviceId, eventTime))");
            s.execute("CREATE INDEX ON wp (deviceId, eventTime)");
            s.execute("CREATE INDEX ON wp (eventTime)");
        }
        db.commit();
    }

    static void write(Connection db, String path, List<Reading> rows) throws Exception {
        switch (path) {
            case "json" -> {
                StringBuilder json = new StringBuilder(rows.size() * 300).append('[');
                for (Reading r : rows) {
                    if (json.length() > 1) {
                        json.append(',');
                    }
                    json.append("{\"eventid\":\"").append(r.eventId()).append("\",\"customerid\":\"").append(r.customerId())
                            .append("\",\"eventoffset\":").append(r.eventOffset())
                            .append(",\"eventpublisher\":\"device\",\"eventtime\":\"").append(r.eventTime())
                            .append("\",\"deviceid\":\"").append(r.deviceId()).append("\",\"measure\":\"C\",\"status\":\"")
                            .append(r.status()).append("\",\"temperature\":").append(r.temperature())
                            .append(",\"temperaturecelsius\":").append(r.temperature())
                            .append(",\"late\":false,\"kafkatopic\":\"t\",\"kafkapartition\":").append(r.partition())
                            .append(",\"kafkaoffset\":").append(r.offset()).append(",\"kafkatimestamp\":\"")
                            .append(r.kafkaTimestamp()).append("\"}");
                }
                json.append(']');
                try (PreparedStatement s = db.prepareStatement("INSERT INTO wp (" + COLUMNS + ") SELECT " + COLUMNS
                        + " FROM json_populate_recordset(NULL::wp, CAST(? AS json)) ON CONFLICT DO NOTHING")) {
                    s.setString(1, json.toString());
                    s.executeUpdate();
                }
            }
            case "unnest" -> {
                int n = rows.size();
                String[] ids = new String[n], customers = new String[n], times = new String[n], devices = new String[n],
                        statuses = new String[n], kafkaTimes = new String[n];
                long[] offsets = new long[n], kafkaOffsets = new long[n];
                double[] temperatures = new double[n];
                int[] partitions = new int[n];
                for (int i = 0; i < n; i++) {
                    Reading r = rows.get(i);
                    ids[i] = r.eventId().toString();
                    customers[i] = r.customerId();
                    offsets[i] = r.eventOffset();
                    times[i] = r.eventTime();
                    devices[i] = r.deviceId();
                    statuses[i] = r.status();
                    temperatures[i] = r.temperature();
                    partitions[i] = r.partition();
                    kafkaOffsets[i] = r.offset();
                    kafkaTimes[i] = r.kafkaTimestamp();
                }
                try (PreparedStatement s = db.prepareStatement("INSERT INTO wp (" + COLUMNS + ") SELECT e, c, o, 'device',"
                        + " t, d, 'C', st, te, te, false, 't', p, ko, kt FROM unnest(CAST(? AS uuid[]), CAST(? AS text[]), ?,"
                        + " CAST(? AS timestamp[]), CAST(? AS text[]), CAST(? AS text[]), ?, ?, ?, CAST(? AS timestamptz[]))"
                        + " AS u(e, c, o, t, d, st, te, p, ko, kt) ON CONFLICT DO NOTHING")) {
                    Object[] values = {ids, customers, offsets, times, devices, statuses, temperatures, partitions,
                            kafkaOffsets, kafkaTimes};
                    for (int i = 0; i < values.length; i++) {
                        s.setObject(i + 1, values[i]);
                    }
                    s.executeUpdate();
                }
            }
            case "copy" -> {
                try (Statement s = db.createStatement()) {
                    s.execute("CREATE TEMPORARY TABLE IF NOT EXISTS wp_staging (LIKE wp INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
                }
                StringBuilder text = new StringBuilder(rows.size() * 200);
                for (Reading r : rows) {
                    text.append(r.eventId()).append('\t').append(r.customerId()).append('\t').append(r.eventOffset())
                            .append("\tdevice\t").append(r.eventTime()).append('\t').append(r.deviceId()).append("\tC\t")
                            .append(r.status()).append('\t').append(r.temperature()).append('\t').append(r.temperature())
                            .append("\tf\tt\t").append(r.partition()).append('\t').append(r.offset()).append('\t')
                            .append(r.kafkaTimestamp()).append('\n');
                }
                db.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY wp_staging (" + COLUMNS + ") FROM STDIN",
                        new StringReader(text.toString()));
                try (Statement s = db.createStatement()) {
                    s.executeUpdate("INSERT INTO wp (" + COLUMNS + ") SELECT " + COLUMNS
                            + " FROM wp_staging ON CONFLICT DO NOTHING");
                }
            }
            default -> throw new IllegalArgumentException(path);
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** utime + stime of the backend process, in microseconds. */
    static long backendCpuMicros(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks * 1_000_000 / 100; // USER_HZ is 100 on Linux
    }
}

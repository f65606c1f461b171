// The fleet queries of the API (GET /api/devices and /api/customers) timed on a database as bench/dashboard-views.sh
// leaves it (10 million readings, device_health topped up to 10,000 devices): the very statements the pipeline runs
// (io.iotpipeline.api.FleetPage), median and worst of 5 runs each.
// Usage: java -cp target/iot-pipeline.jar bench/FleetQueries.java <jdbcUrl> <user> <password>
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.iotpipeline.api.FleetPage;

public class FleetQueries {

    static final Pattern NAMED = Pattern.compile(":#(\\w+)");
    static final ObjectMapper JSON = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        try (Connection db = DriverManager.getConnection(args[0], args[1], args[2])) {
            System.out.printf("%-52s %10s %10s %8s%n", "fleet query (10,000 devices)", "median ms", "max ms", "rows");
            String customer = one(db, "SELECT customerId FROM device_health GROUP BY customerId ORDER BY count(*) DESC LIMIT 1");
            time(db, "devices, first page of 1000, by device", devices("device", Map.of()));
            time(db, "devices, 6th page of 1000, by device", devices("device", Map.of("cursor", cursorOfPage(db, "device", 5))));
            time(db, "devices, state=SILENT", devices("device", Map.of("state", "SILENT")));
            time(db, "devices, status=ERROR", devices("device", Map.of("status", "ERROR")));
            time(db, "devices, customerId=" + customer, devices("device", Map.of("customerId", customer)));
            time(db, "devices, search=D00", devices("device", Map.of("search", "D00")));
            time(db, "devices, hottest first (-avgTemperatureC)", devices("-avgTemperatureC", Map.of()));
            time(db, "devices, hottest first, 6th page", devices("-avgTemperatureC",
                    Map.of("cursor", cursorOfPage(db, "-avgTemperatureC", 5))));
            time(db, "devices, longest unheard first (lastSeen)", devices("lastSeen", Map.of()));
            time(db, "devices, SILENT and ERROR of a customer, by readings",
                    devices("-readings", Map.of("state", "SILENT", "status", "ERROR", "customerId", customer)));
            Map<String, Object> customers = new HashMap<>(Map.of("limit", 1000));
            customers.put("cursor", null);
            time(db, "customers, first page", new Query(statementFile("statements/api-customers.sql"), customers));
        }
    }

    record Query(String sql, Map<String, Object> values) { }

    /** A statement the routes run from the jar's classpath (sql:classpath:), without its comment lines. */
    static String statementFile(String resource) throws Exception {
        try (var in = FleetQueries.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("no " + resource + " on the classpath");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                    .filter(line -> !line.startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
        }
    }

    static Query devices(String sort, Map<String, String> parameters) {
        Map<String, Object> values = new HashMap<>();
        for (String name : List.of("customerId", "state", "status", "search")) {
            values.put(name, parameters.get(name));
        }
        values.put("limit", 1000);
        values.put("afterValue", null);
        values.put("afterCustomer", null);
        values.put("afterDevice", null);
        if (parameters.containsKey("cursor")) {
            values.putAll(FleetPage.position(sort, parameters.get("cursor")));
        }
        return new Query(FleetPage.statement(sort), values);
    }

    static String cursorOfPage(Connection db, String sort, int pages) throws Exception {
        String cursor = null;
        for (int page = 0; page < pages; page++) {
            Query query = cursor == null ? devices(sort, Map.of()) : devices(sort, Map.of("cursor", cursor));
            cursor = JSON.readTree(run(db, query)).get("nextCursor").asText();
        }
        return cursor;
    }

    static void time(Connection db, String name, Query query) throws Exception {
        List<Double> times = new ArrayList<>();
        String answer = null;
        for (int run = 0; run < 5; run++) {
            long start = System.nanoTime();
            answer = run(db, query);
            times.add((System.nanoTime() - start) / 1e6);
        }
        times.sort(Double::compare);
        JsonNode json = JSON.readTree(answer);
        int rows = json.has("devices") ? json.get("devices").size() : json.get("customers").size();
        System.out.printf("%-52s %10.1f %10.1f %8d%n", name, times.get(2), times.get(4), rows);
    }

    static String run(Connection db, Query query) throws Exception {
        List<String> names = new ArrayList<>();
        Matcher named = NAMED.matcher(query.sql());
        while (named.find()) {
            names.add(named.group(1));
        }
        try (PreparedStatement statement = db.prepareStatement(named.replaceAll("?"))) {
            for (int i = 0; i < names.size(); i++) {
                Object value = query.values().get(names.get(i));
                if (value == null) {
                    statement.setNull(i + 1, Types.VARCHAR);
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getString(1);
            }
        }
    }

    static String one(Connection db, String sql) throws Exception {
        try (var statement = db.createStatement(); var result = statement.executeQuery(sql)) {
            result.next();
            return result.getString(1);
        }
    }
}

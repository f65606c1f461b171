package io.iotpipeline.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Power BI project (report/powerbi/IoT Pipeline.pbip) without Power BI Desktop: its JSON files against Microsoft's
 * published schemas, its TMDL files read structurally, names unique as the tabular engine compares them (ignoring
 * case), every M expression through Microsoft's Power Query parser (report/tools/m-check.mjs), every field a visual
 * reads present in the model, and every DAX measure referring only to model columns and measures. The model's columns against the database are checked by
 * PowerBiModelIT.
 */
class PowerBiProjectTest {

    static final Set<String> DATA_TYPES = Set.of("string", "int64", "double", "decimal", "dateTime", "boolean");
    private static final Pattern DAX_REFERENCE = Pattern.compile("('(?:[^']|'')+'|[A-Za-z_][A-Za-z0-9_]*)?\\[([^\\]]+)\\]");
    private static final Pattern DAX_QUOTED_TABLE = Pattern.compile("'((?:[^']|'')+)'");

    private final PowerBiProject project = PowerBiProject.read();

    @Test
    void everyJsonFileIsValidAgainstTheMicrosoftSchemaItNames() throws Exception {
        Path checker = Path.of(System.getenv().getOrDefault("PBIP_CHECK", "../shared/tools/pbip-check.mjs"));
        requireNodeTool(checker, "ajv", "ajv-formats");
        NodeRun run = node(checker, "", PowerBiProject.FOLDER.toAbsolutePath().toString());
        System.out.println(run.output.lines().filter(line -> line.startsWith("pbip-check:")).findFirst().orElse(run.output));
        assertEquals(0, run.exitValue, run.output);
        // the base theme under StaticResources carries no $schema, as Desktop saves it
        long jsonFiles = PowerBiProject.files(PowerBiProject.FOLDER, ".json").stream()
                .filter(file -> !file.toString().contains("StaticResources")).count()
                + PowerBiProject.files(PowerBiProject.FOLDER, ".pbir").size()
                + PowerBiProject.files(PowerBiProject.FOLDER, ".pbism").size()
                + PowerBiProject.files(PowerBiProject.FOLDER, ".pbip").size()
                + PowerBiProject.files(PowerBiProject.FOLDER, ".platform").size();
        assertTrue(run.output.contains("pbip-check: " + jsonFiles + " checked, 0 failed"), run.output);
    }

    @Test
    void everyMExpressionParsesWithMicrosoftsPowerQueryParser() throws Exception {
        requireNodeTool(M_CHECK, "@microsoft/powerquery-parser");
        assertTrue(project.mExpressions.size() >= project.tables.size() + 2, project.mExpressions.keySet().toString());
        NodeRun run = node(M_CHECK, mCheckInput(project.mExpressions));
        System.out.println(run.output.strip());
        assertEquals(0, run.exitValue, run.output);
        assertTrue(run.output.contains("m-check: " + project.mExpressions.size() + " checked, 0 failed"), run.output);
    }

    @Test
    void anMExpressionPowerQueryWouldRefuseIsRefused() throws Exception {
        requireNodeTool(M_CHECK, "@microsoft/powerquery-parser");
        Map<String, String> expressions = new LinkedHashMap<>();
        expressions.put("good", project.mExpressions.values().iterator().next());
        expressions.put("comma before in", "let\n    Source = PostgreSQL.Database(PostgresServer, PostgresDatabase),\nin\n    Source");
        expressions.put("unclosed record", "let Source = Source{[Schema = \"public\", Item = \"v_customers\"}[Data] in Source");
        NodeRun run = node(M_CHECK, mCheckInput(expressions));
        assertEquals(1, run.exitValue, run.output);
        assertTrue(run.output.contains("REFUSED comma before in:"), run.output);
        assertTrue(run.output.contains("REFUSED unclosed record:"), run.output);
        assertFalse(run.output.contains("REFUSED good"), run.output);
        assertTrue(run.output.contains("m-check: 3 checked, 2 failed"), run.output);
    }

    private static final Path M_CHECK = Path.of("report/tools/m-check.mjs");
    private static final Path NODE_MODULES = Path.of(System.getenv().getOrDefault("PBIP_CHECK_NODE_MODULES", ".ci/npm/node_modules"));

    private record NodeRun(int exitValue, String output) { }

    /** The tool and its npm packages, or the test stops: with a failure in CI, skipped with the reason elsewhere. */
    private static void requireNodeTool(Path tool, String... packages) {
        List<String> missing = new ArrayList<>();
        if (!Files.isRegularFile(tool)) {
            missing.add("the tool " + tool.toAbsolutePath().normalize());
        }
        for (String npmPackage : packages) {
            if (!Files.isDirectory(NODE_MODULES.resolve(npmPackage))) {
                missing.add(npmPackage + " in " + NODE_MODULES.toAbsolutePath().normalize()
                        + " (.ci/run installs it: npm install --prefix .ci/npm ...)");
            }
        }
        if (!missing.isEmpty()) {
            String message = "cannot check the Power BI project: missing " + String.join(" and ", missing);
            if (System.getenv("CI") != null) {
                throw new AssertionError(message);
            }
            Assumptions.abort(message);
        }
    }

    private static NodeRun node(Path tool, String stdin, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", tool.toAbsolutePath().toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("NODE_PATH", NODE_MODULES.toAbsolutePath().toString());
        Process run = builder.start();
        try (var input = run.getOutputStream()) {
            input.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), tool + " did not finish");
        return new NodeRun(run.exitValue(), output);
    }

    private static String mCheckInput(Map<String, String> expressions) throws Exception {
        ArrayNode input = new ObjectMapper().createArrayNode();
        expressions.forEach((where, expression) -> input.addObject().put("where", where).put("expression", expression));
        return new ObjectMapper().writeValueAsString(input);
    }

    @Test
    void theModelIsWellFormedTmdlOfDirectQueryTablesOnTwoParameters() {
        assertNotNull(project.database.property("compatibilityLevel"), "database.tmdl sets compatibilityLevel");
        assertTrue(Integer.parseInt(project.database.property("compatibilityLevel")) >= 1567, "TMDL in Power BI needs 1567+");
        assertEquals(new TreeSet<>(project.tables.keySet()), new TreeSet<>(project.referencedTables),
                "model.tmdl refers to exactly the tables of tables/");
        for (String parameter : List.of("PostgresServer", "PostgresDatabase")) {
            Tmdl.Node expression = project.parameters.get(parameter);
            assertNotNull(expression, "expressions.tmdl defines the M parameter " + parameter);
            assertTrue(expression.expression().matches("\"[^\"]+\" meta \\[IsParameterQuery = true, Type = \"Text\".*\\]"),
                    parameter + " is a text parameter: " + expression.expression());
        }
        for (PowerBiProject.Table table : project.tables.values()) {
            assertEquals("directQuery", table.mode(), table.where() + " is DirectQuery");
            assertFalse(table.columns().isEmpty(), table.where());
            for (PowerBiProject.Column column : table.columns().values()) {
                assertTrue(DATA_TYPES.contains(column.dataType()), table.name() + "." + column.name() + ": " + column.dataType());
                assertNotNull(column.sourceColumn(), table.name() + "." + column.name() + " has a sourceColumn");
            }
        }
        assertFalse(project.relationships.isEmpty());
        for (PowerBiProject.Relationship relationship : project.relationships) {
            PowerBiProject.Column from = column(relationship.fromTable(), relationship.fromColumn());
            PowerBiProject.Column to = column(relationship.toTable(), relationship.toColumn());
            assertTrue(to.key(), relationship + ": the one side is its table's key");
            assertEquals(from.dataType(), to.dataType(), relationship.toString());
        }
    }

    @Test
    void namesAreUniqueIgnoringCaseWithinEachTableAndAcrossTheModelsMeasures() {
        assertEquals(List.of(), nameClashes(project.tables.values()),
                "a tabular model compares object names case-insensitively, and DAX reads a measure named as a table as the table");
    }

    @Test
    void aNameClashThatDiffersOnlyInCaseIsFound() {
        PowerBiProject.Table devices = new PowerBiProject.Table("Devices", "v", "directQuery", Map.of(), Map.of(),
                List.of("readings", "Readings"), "Devices.tmdl");
        PowerBiProject.Table windows = new PowerBiProject.Table("Windows", "v", "directQuery", Map.of(),
                Map.of("Late %", "1"), List.of("Late %"), "Windows.tmdl");
        PowerBiProject.Table customers = new PowerBiProject.Table("Customers", "v", "directQuery", Map.of(),
                Map.of("LATE %", "1"), List.of("LATE %"), "Customers.tmdl");
        assertEquals(List.of("Devices: 'Readings' and 'readings'", "measures 'LATE %' (Customers) and 'Late %' (Windows)"),
                nameClashes(List.of(devices, windows, customers)));
        PowerBiProject.Table silent = new PowerBiProject.Table("Silent Devices", "v", "directQuery",
                Map.of("state", new PowerBiProject.Column("state", "string", "state", false)), Map.of(), List.of("state"),
                "Silent Devices.tmdl");
        PowerBiProject.Table counts = new PowerBiProject.Table("Counts", "v", "directQuery", Map.of(),
                Map.of("silent devices", "1", "State", "1"), List.of("silent devices", "State"), "Counts.tmdl");
        assertEquals(List.of("measure 'State' (Counts) and column Silent Devices[state]",
                "measure 'silent devices' (Counts) and table 'Silent Devices'"), nameClashes(List.of(silent, counts))
                        .stream().sorted().toList());
        // a column of the measure's own table, read first, must not hide the same name in another table
        PowerBiProject.Table states = new PowerBiProject.Table("States", "v", "directQuery",
                Map.of("state", new PowerBiProject.Column("state", "string", "state", false)), Map.of("State", "1"),
                List.of("state", "State"), "States.tmdl");
        assertEquals(List.of("States: 'State' and 'state'", "measure 'State' (States) and column Silent Devices[state]"),
                nameClashes(List.of(states, silent)).stream().sorted().toList());
    }

    /**
     * Columns and measures of one table, and measures of the whole model, that are equal ignoring case; and a measure
     * named as a table or as a column of another table (a Power BI model forces measure names unique against every
     * column, Model.ForceUniqueNames; a measure named as a table reads as the table in DAX and in the field list).
     */
    static List<String> nameClashes(Collection<PowerBiProject.Table> tables) {
        List<String> clashes = new ArrayList<>();
        Map<String, String> measureTables = new TreeMap<>();
        Map<String, String> measureNames = new TreeMap<>();
        Map<String, String> tableNames = new TreeMap<>();
        Map<String, List<PowerBiProject.Table>> columnTables = new TreeMap<>();
        for (PowerBiProject.Table table : tables) {
            tableNames.put(table.name().toLowerCase(Locale.ROOT), table.name());
            for (String column : table.columns().keySet()) {
                columnTables.computeIfAbsent(column.toLowerCase(Locale.ROOT), ignored -> new ArrayList<>()).add(table);
            }
        }
        for (PowerBiProject.Table table : tables) {
            for (String measure : table.measures().keySet()) {
                String key = measure.toLowerCase(Locale.ROOT);
                if (tableNames.containsKey(key)) {
                    clashes.add("measure '" + measure + "' (" + table.name() + ") and table '" + tableNames.get(key) + "'");
                }
                // every other table with such a column (a column of the measure's own table is a clash found below)
                for (PowerBiProject.Table other : columnTables.getOrDefault(key, List.of())) {
                    if (other != table) {
                        String column = other.columns().keySet().stream()
                                .filter(name -> name.equalsIgnoreCase(measure)).findFirst().orElseThrow();
                        clashes.add("measure '" + measure + "' (" + table.name() + ") and column " + other.name() + "["
                                + column + "]");
                    }
                }
            }
        }
        for (PowerBiProject.Table table : tables) {
            Map<String, String> seen = new TreeMap<>();
            for (String name : table.declaredNames()) {
                String previous = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
                if (previous != null) {
                    clashes.add(table.name() + ": '" + name + "' and '" + previous + "'");
                }
            }
            for (String measure : table.measures().keySet()) {
                String key = measure.toLowerCase(Locale.ROOT);
                String previousTable = measureTables.putIfAbsent(key, table.name());
                if (previousTable != null && !previousTable.equals(table.name())) {
                    clashes.add("measures '" + measure + "' (" + table.name() + ") and '" + measureNames.get(key)
                            + "' (" + previousTable + ")");
                }
                measureNames.putIfAbsent(key, measure);
            }
        }
        return clashes;
    }

    @Test
    void everyFieldTheReportReadsIsInTheModel() {
        List<PowerBiProject.FieldUse> uses = project.fieldUses();
        assertTrue(uses.size() >= 40, uses.size() + " field uses");
        for (PowerBiProject.FieldUse use : uses) {
            PowerBiProject.Table table = project.tables.get(use.entity());
            assertNotNull(table, use.file() + " reads table '" + use.entity() + "', not in the model");
            boolean found = use.kind().equals("Column") ? table.columns().containsKey(use.property())
                    : table.measures().containsKey(use.property());
            assertTrue(found, use.file() + " reads " + use.kind().toLowerCase() + " '" + use.entity() + "'["
                    + use.property() + "], not in the model");
        }
    }

    @Test
    void everyMeasureRefersOnlyToModelColumnsAndMeasures() {
        Set<String> measures = new TreeSet<>();
        project.tables.values().forEach(table -> measures.addAll(table.measures().keySet()));
        int references = 0;
        for (PowerBiProject.Table table : project.tables.values()) {
            for (var measure : table.measures().entrySet()) {
                String where = table.name() + "[" + measure.getKey() + "]";
                String dax = measure.getValue().replaceAll("\"[^\"]*\"", "\"\"");   // string literals name nothing
                Matcher reference = DAX_REFERENCE.matcher(dax);
                while (reference.find()) {
                    references++;
                    String name = reference.group(2);
                    if (reference.group(1) == null) {
                        assertTrue(measures.contains(name), where + " refers to [" + name + "], which is no measure");
                        continue;
                    }
                    String tableName = unquote(reference.group(1));
                    PowerBiProject.Table referred = project.tables.get(tableName);
                    assertNotNull(referred, where + " refers to table " + reference.group(1));
                    assertTrue(referred.columns().containsKey(name) || referred.measures().containsKey(name),
                            where + " refers to " + reference.group() + ", not in the model");
                }
                Matcher quotedTable = DAX_QUOTED_TABLE.matcher(dax);
                while (quotedTable.find()) {
                    if (quotedTable.end() < dax.length() && dax.charAt(quotedTable.end()) == '[') {
                        continue;   // a column or measure reference, checked above
                    }
                    assertTrue(project.tables.containsKey(unquote("'" + quotedTable.group(1) + "'")),
                            where + " refers to table '" + quotedTable.group(1) + "'");
                }
            }
        }
        assertTrue(references >= 30, references + " references checked");
    }

    @Test
    void theReportHasItsPagesEachRefreshingItselfAndADeviceDrillThrough() throws IOException {
        JsonNode pages = PowerBiProject.json(PowerBiProject.REPORT.resolve("pages/pages.json"));
        List<String> order = new ArrayList<>();
        pages.get("pageOrder").forEach(name -> order.add(name.asText()));
        assertEquals(List.of("overview", "trends", "measurements", "dataQuality", "anomalies", "device"), order);
        try (var folders = Files.list(PowerBiProject.REPORT.resolve("pages"))) {
            assertEquals(new TreeSet<>(order), new TreeSet<>(folders.filter(Files::isDirectory)
                    .map(path -> path.getFileName().toString()).toList()), "a folder per page in pageOrder");
        }
        for (String name : order) {
            Path folder = PowerBiProject.REPORT.resolve("pages").resolve(name);
            JsonNode page = PowerBiProject.json(folder.resolve("page.json"));
            assertEquals(name, page.get("name").asText());
            assertEquals("true", page.at("/objects/pageRefresh/0/properties/show/expr/Literal/Value").asText(),
                    name + " refreshes automatically");
            try (var visuals = Files.list(folder.resolve("visuals"))) {
                for (Path visual : visuals.toList()) {
                    assertEquals(visual.getFileName().toString(),
                            PowerBiProject.json(visual.resolve("visual.json")).get("name").asText(), visual.toString());
                }
            }
        }
        // a drill-through target: the binding's parameter names a Drillthrough filter on the device key
        JsonNode device = PowerBiProject.json(PowerBiProject.REPORT.resolve("pages/device/page.json"));
        assertEquals("Drillthrough", device.at("/pageBinding/type").asText());
        String boundFilter = device.at("/pageBinding/parameters/0/boundFilter").asText();
        JsonNode filter = null;
        for (JsonNode candidate : device.at("/filterConfig/filters")) {
            if (candidate.get("name").asText().equals(boundFilter)) {
                filter = candidate;
            }
        }
        assertNotNull(filter, "the binding's filter " + boundFilter);
        assertEquals("Drillthrough", filter.get("howCreated").asText());
        assertEquals("Devices", filter.at("/field/Column/Expression/SourceRef/Entity").asText());
        assertEquals("deviceKey", filter.at("/field/Column/Property").asText());
        assertEquals(filter.get("field"), device.at("/pageBinding/parameters/0/fieldExpr"));
    }

    @Test
    void everyTimeColumnNamesItsZone() {
        for (PowerBiProject.Table table : project.tables.values()) {
            for (PowerBiProject.Column column : table.columns().values()) {
                if (column.dataType().equals("dateTime")) {
                    assertTrue(column.name().endsWith("Utc"), table.name() + "[" + column.name() + "] is a time without its zone");
                }
            }
        }
    }

    /** A page with a customer slicer: every visual reads only tables the slicer filters, or its title says it does not. */
    @Test
    void theCustomerSlicerFiltersEveryVisualBesideItOrTheVisualSaysSo() throws IOException {
        int pagesWithSlicer = 0;
        for (Path page : PowerBiProject.files(PowerBiProject.REPORT.resolve("pages"), "page.json")) {
            Path visuals = page.getParent().resolve("visuals");
            if (!Files.isDirectory(visuals.resolve("customerSlicer"))) {
                continue;
            }
            pagesWithSlicer++;
            for (Path visual : PowerBiProject.files(visuals, "visual.json")) {
                String title = PowerBiProject.json(visual).at("/visual/visualContainerObjects/title/0/properties/text/expr/Literal/Value").asText();
                for (PowerBiProject.FieldUse use : project.fieldUses()) {
                    if (use.file().equals(visual) && !filteredBy("Customers", use.entity()) && !title.contains("all customers")) {
                        throw new AssertionError(visual + " reads '" + use.entity() + "', which the customer slicer does not"
                                + " filter, and its title " + title + " does not say so");
                    }
                }
            }
        }
        assertEquals(5, pagesWithSlicer);
    }

    /** Whether a filter on one table reaches another along the one-to-many relationships (one side filters many). */
    private boolean filteredBy(String filtering, String table) {
        if (table.equals(filtering)) {
            return true;
        }
        for (PowerBiProject.Relationship relationship : project.relationships) {
            if (relationship.fromTable().equals(table) && filteredBy(filtering, relationship.toTable())) {
                return true;
            }
        }
        return false;
    }

    @Test
    void tmdlThatPowerBiWouldRefuseIsRefused() {
        for (String broken : List.of("table T\n    column c\n", "table T\n\t\t\tcolumn c\n", "tabel T\n",
                "table 'T\n", "table T\n\tmeasure m =\n\tcolumn c\n")) {
            try {
                Tmdl.parse("broken.tmdl", broken);
                throw new AssertionError("accepted: " + broken);
            } catch (IllegalArgumentException refused) {
                assertTrue(refused.getMessage().startsWith("broken.tmdl:"), refused.getMessage());
            }
        }
        Tmdl.Node table = Tmdl.parse("ok.tmdl", "/// the devices\ntable 'Dev ''s'\n\tmeasure m = SUM ( x[y] )\n"
                + "\t\tformatString: 0\n\tcolumn c\n\t\tisKey\n\n\t\tannotation A = B\n").get(0);
        assertEquals("Dev 's", table.name());
        assertEquals("the devices", table.description());
        assertEquals("SUM ( x[y] )", table.children("measure").get(0).expression());
        assertEquals("true", table.children("column").get(0).property("isKey"));
        assertEquals("B", table.children("column").get(0).children("annotation").get(0).expression());
    }

    private PowerBiProject.Column column(String table, String column) {
        PowerBiProject.Table found = project.tables.get(table);
        assertNotNull(found, "table " + table);
        PowerBiProject.Column result = found.columns().get(column);
        assertNotNull(result, table + "." + column);
        return result;
    }

    private static String unquote(String name) {
        return name.startsWith("'") ? name.substring(1, name.length() - 1).replace("''", "'") : name;
    }
}

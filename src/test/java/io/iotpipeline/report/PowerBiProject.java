package io.iotpipeline.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Power BI project of report/powerbi as the tests see it: the semantic model read from its TMDL files (tables with
 * their columns, measures and the view their DirectQuery partition reads; relationships; parameters) and every field
 * the report's pages and visuals read.
 */
public final class PowerBiProject {

    public static final Path FOLDER = Path.of("report/powerbi");
    public static final Path MODEL = FOLDER.resolve("IoT Pipeline.SemanticModel/definition");
    public static final Path REPORT = FOLDER.resolve("IoT Pipeline.Report/definition");
    private static final Pattern VIEW = Pattern.compile(
            "PostgreSQL\\.Database\\(PostgresServer, PostgresDatabase\\).*Item = \"(v_\\w+)\"", Pattern.DOTALL);

    public record Column(String name, String dataType, String sourceColumn, boolean key) { }

    /** declaredNames: every column and measure name as written, duplicates kept (the maps keep only the last). */
    public record Table(String name, String view, String mode, Map<String, Column> columns, Map<String, String> measures,
                        List<String> declaredNames, String where) { }

    /** A field a visual, or a filter of a page or visual, reads: a Column or a Measure of an entity (model table). */
    public record FieldUse(String kind, String entity, String property, Path file) { }

    public record Relationship(String fromTable, String fromColumn, String toTable, String toColumn) { }

    public final Map<String, Table> tables = new LinkedHashMap<>();
    public final List<Relationship> relationships = new ArrayList<>();
    public final Map<String, Tmdl.Node> parameters = new LinkedHashMap<>();
    public final List<String> referencedTables = new ArrayList<>();
    /** Every M expression of the model (the parameters' and each partition's query), by where it is written. */
    public final Map<String, String> mExpressions = new LinkedHashMap<>();
    public final Tmdl.Node database;
    public final Tmdl.Node model;

    private PowerBiProject() {
        database = single(parse(MODEL.resolve("database.tmdl")), "database");
        model = single(parse(MODEL.resolve("model.tmdl")), "model");
        for (Tmdl.Node node : parse(MODEL.resolve("model.tmdl"))) {
            if (node.keyword().equals("ref table")) {
                referencedTables.add(node.name());
            }
        }
        for (Path file : files(MODEL.resolve("tables"), ".tmdl")) {
            Tmdl.Node table = single(parse(file), "table");
            String fileName = file.getFileName().toString().replaceFirst("\\.tmdl$", "");
            if (!fileName.equals(table.name())) {
                throw new IllegalArgumentException(file + " declares table '" + table.name() + "'");
            }
            Map<String, Column> columns = new LinkedHashMap<>();
            List<String> declaredNames = new ArrayList<>();
            for (Tmdl.Node child : table.children()) {
                if (child.keyword().equals("column") || child.keyword().equals("measure")) {
                    declaredNames.add(child.name());
                }
            }
            for (Tmdl.Node column : table.children("column")) {
                columns.put(column.name(), new Column(column.name(), column.property("dataType"), column.property("sourceColumn"),
                        column.properties().containsKey("isKey")));
            }
            Map<String, String> measures = new LinkedHashMap<>();
            for (Tmdl.Node measure : table.children("measure")) {
                measures.put(measure.name(), measure.expression());
            }
            List<Tmdl.Node> partitions = table.children("partition");
            if (partitions.size() != 1) {
                throw new IllegalArgumentException(file + ": expected one partition, found " + partitions.size());
            }
            Tmdl.Node partition = partitions.get(0);
            Matcher view = VIEW.matcher(String.valueOf(partition.property("source")));
            if (!"m".equals(partition.expression()) || !view.find()) {
                throw new IllegalArgumentException(partition.where() + ": the partition must be an M query of a public view"
                        + " through PostgreSQL.Database(PostgresServer, PostgresDatabase)");
            }
            mExpressions.put(partition.where(), partition.property("source"));
            tables.put(table.name(), new Table(table.name(), view.group(1), partition.property("mode"), columns, measures,
                    declaredNames, table.where()));
        }
        for (Tmdl.Node node : parse(MODEL.resolve("relationships.tmdl"))) {
            String[] from = Tmdl.columnReference(node.property("fromColumn"));
            String[] to = Tmdl.columnReference(node.property("toColumn"));
            relationships.add(new Relationship(from[0], from[1], to[0], to[1]));
        }
        for (Tmdl.Node node : parse(MODEL.resolve("expressions.tmdl"))) {
            parameters.put(node.name(), node);
            mExpressions.put(node.where(), node.expression());
        }
    }

    public static PowerBiProject read() {
        return new PowerBiProject();
    }

    /** Every field read by a page (its filters) or a visual (its query and filters), with the file it is read in. */
    public List<FieldUse> fieldUses() {
        List<FieldUse> uses = new ArrayList<>();
        for (Path file : files(REPORT.resolve("pages"), ".json")) {
            collect(json(file), new HashMap<>(), file, uses);
        }
        return uses;
    }

    /** Walks a JSON tree; a Column or Measure names its table directly (Entity) or through an alias of a From list. */
    private static void collect(JsonNode node, Map<String, String> aliases, Path file, List<FieldUse> uses) {
        if (node.isArray()) {
            node.forEach(item -> collect(item, aliases, file, uses));
            return;
        }
        if (!node.isObject()) {
            return;
        }
        Map<String, String> scope = aliases;
        if (node.has("From")) {
            scope = new HashMap<>(aliases);
            for (JsonNode source : node.get("From")) {
                if (source.has("Entity")) {
                    scope.put(source.get("Name").asText(), source.get("Entity").asText());
                }
            }
        }
        for (String kind : List.of("Column", "Measure")) {
            JsonNode field = node.get(kind);
            if (field != null && field.has("Property")) {
                JsonNode ref = field.path("Expression").path("SourceRef");
                String entity = ref.has("Entity") ? ref.get("Entity").asText() : scope.get(ref.path("Source").asText());
                uses.add(new FieldUse(kind, entity, field.get("Property").asText(), file));
            }
        }
        for (Iterator<JsonNode> children = node.elements(); children.hasNext(); ) {
            collect(children.next(), scope, file, uses);
        }
    }

    public static JsonNode json(Path file) {
        try {
            return new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Path> files(Path folder, String suffix) {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(path -> path.toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Tmdl.Node> parse(Path file) {
        try {
            return Tmdl.parse(file.toString(), Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Tmdl.Node single(List<Tmdl.Node> nodes, String keyword) {
        List<Tmdl.Node> found = nodes.stream().filter(node -> node.keyword().equals(keyword)).toList();
        if (found.size() != 1) {
            throw new IllegalArgumentException("expected one " + keyword + ", found " + found.size());
        }
        return found.get(0);
    }
}

package io.iotpipeline.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A structural reader of TMDL, the text format of a Power BI semantic model: objects nest by tab indentation, each
 * declared as {@code keyword name [= expression]} with {@code property: value} lines, flags, annotations and
 * {@code ///} descriptions below it; an expression that starts on the next lines is indented two levels deeper than
 * its declaration. Anything else (indentation by spaces, a skipped level, an unknown keyword, an unterminated quote)
 * fails with the file and line, as Power BI Desktop would refuse the file.
 */
public final class Tmdl {

    /** The object types this project's model uses (and their usual neighbours). */
    static final Set<String> OBJECTS = Set.of("model", "database", "table", "column", "measure", "partition",
            "expression", "relationship", "queryGroup", "annotation", "cultureInfo", "ref", "hierarchy", "level",
            "role", "perspective", "linguisticMetadata", "changedProperty");

    /** One declared object: its keyword, name, inline or multi-line expression, properties and children. */
    public record Node(String keyword, String name, String expression, String description,
                       Map<String, String> properties, List<Node> children, String where) {

        public List<Node> children(String keyword) {
            return children.stream().filter(child -> child.keyword.equals(keyword)).toList();
        }

        public String property(String key) {
            return properties.get(key);
        }
    }

    private final String file;
    private final List<String> lines;
    private int at;

    private Tmdl(String file, String text) {
        this.file = file;
        this.lines = text.replace("\r\n", "\n").lines().toList();
    }

    /** The top-level objects of one .tmdl file. */
    public static List<Node> parse(String file, String text) {
        Tmdl reader = new Tmdl(file, text);
        List<Node> nodes = new ArrayList<>();
        while (reader.skipBlank()) {
            nodes.add(reader.object(0));
        }
        return nodes;
    }

    private boolean skipBlank() {
        while (at < lines.size() && lines.get(at).isBlank()) {
            at++;
        }
        return at < lines.size();
    }

    private int depth(String line) {
        int tabs = tabs(line);
        if (tabs < line.length() && line.charAt(tabs) == ' ') {
            throw error("indentation must be tabs");
        }
        return tabs;
    }

    /** Leading tabs; inside an expression, spaces may follow them (M and DAX align with spaces). */
    private static int tabs(String line) {
        int tabs = 0;
        while (tabs < line.length() && line.charAt(tabs) == '\t') {
            tabs++;
        }
        return tabs;
    }

    private IllegalArgumentException error(String message) {
        return new IllegalArgumentException(file + ":" + (at + 1) + ": " + message + ": " + lines.get(Math.min(at, lines.size() - 1)));
    }

    private Node object(int level) {
        StringBuilder description = new StringBuilder();
        while (lines.get(at).strip().startsWith("///")) {
            if (depth(lines.get(at)) != level) {
                throw error("a description must sit at the level of its object");
            }
            description.append(lines.get(at).strip().substring(3).strip()).append('\n');
            at++;
            if (!skipBlank()) {
                throw error("a description without an object");
            }
        }
        String line = lines.get(at);
        if (depth(line) != level) {
            throw error("expected an object at indentation level " + level);
        }
        String where = file + ":" + (at + 1);
        String content = line.strip();
        int space = content.indexOf(' ');
        String keyword = space < 0 ? content : content.substring(0, space);
        if (!OBJECTS.contains(keyword)) {
            throw error("unknown object type '" + keyword + "'");
        }
        String rest = space < 0 ? "" : content.substring(space + 1).strip();
        if (keyword.equals("ref")) {   // ref table X, ref cultureInfo en-US
            int second = rest.indexOf(' ');
            if (second < 0) {
                throw error("ref needs an object type and a name");
            }
            keyword = "ref " + rest.substring(0, second);
            rest = rest.substring(second + 1).strip();
        }
        String[] nameAndRest = name(rest);
        String name = nameAndRest[0];
        String expression = null;
        String after = nameAndRest[1].strip();
        at++;
        if (after.startsWith("=")) {
            expression = after.substring(1).strip();
            if (expression.isEmpty()) {
                expression = block(level);
            } else if (expression.equals("```")) {
                expression = fenced();
            }
        } else if (!after.isEmpty() && !keyword.equals("annotation")) {
            throw error("unexpected text after the name");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        List<Node> children = new ArrayList<>();
        while (skipBlank() && depth(lines.get(at)) > level) {
            String child = lines.get(at);
            if (depth(child) != level + 1) {
                throw error("indented more than one level below its object");
            }
            String text = child.strip();
            String first = text.split("[ :=]", 2)[0];
            if (text.startsWith("///") || (OBJECTS.contains(first) && !text.startsWith(first + ":"))) {
                children.add(object(level + 1));
                continue;
            }
            int colon = text.indexOf(':');
            int equals = text.indexOf('=');
            if (colon > 0 && (equals < 0 || colon < equals)) {
                properties.put(text.substring(0, colon).strip(), text.substring(colon + 1).strip());
                at++;
            } else if (equals > 0) {   // a property whose value is an expression, e.g. source =
                String key = text.substring(0, equals).strip();
                String value = text.substring(equals + 1).strip();
                at++;
                properties.put(key, value.isEmpty() ? block(level + 1) : value.equals("```") ? fenced() : value);
            } else if (text.matches("[A-Za-z]+")) {   // a flag such as isKey, or a group of flags (dataAccessOptions)
                properties.put(text, "true");
                at++;
                while (skipBlank() && depth(lines.get(at)) == level + 2 && lines.get(at).strip().matches("[A-Za-z]+")) {
                    properties.put(text + "." + lines.get(at).strip(), "true");
                    at++;
                }
            } else {
                throw error("neither an object, a property nor a flag");
            }
        }
        return new Node(keyword, name, expression, description.toString().strip(), properties, children, where);
    }

    /** The lines of an expression that starts on the line after its declaration: two levels deeper than it. */
    private String block(int level) {
        StringBuilder text = new StringBuilder();
        int start = at;
        while (at < lines.size() && (lines.get(at).isBlank() || tabs(lines.get(at)) >= level + 2)) {
            text.append(lines.get(at).isBlank() ? "" : lines.get(at).substring(level + 2)).append('\n');
            at++;
        }
        if (at == start) {
            throw error("an expression was announced with '=' but none follows");
        }
        return text.toString().strip();
    }

    private String fenced() {
        StringBuilder text = new StringBuilder();
        while (at < lines.size() && !lines.get(at).strip().equals("```")) {
            text.append(lines.get(at).strip()).append('\n');
            at++;
        }
        if (at == lines.size()) {
            throw error("an expression opened with ``` is not closed");
        }
        at++;
        return text.toString().strip();
    }

    /** Splits a (possibly quoted) name from what follows it. */
    private String[] name(String text) {
        if (text.startsWith("'")) {
            StringBuilder name = new StringBuilder();
            int i = 1;
            while (true) {
                if (i >= text.length()) {
                    throw error("unterminated quoted name");
                }
                char c = text.charAt(i);
                if (c == '\'') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                        name.append('\'');
                        i += 2;
                        continue;
                    }
                    return new String[] {name.toString(), text.substring(i + 1)};
                }
                name.append(c);
                i++;
            }
        }
        int end = 0;
        while (end < text.length() && text.charAt(end) != ' ' && text.charAt(end) != '=') {
            end++;
        }
        return new String[] {text.substring(0, end), text.substring(end)};
    }

    /** Table and column of a reference such as {@code 'Temperature over Time'.deviceKey}. */
    public static String[] columnReference(String text) {
        Tmdl reader = new Tmdl("reference", text);
        String stripped = text.strip();
        String[] table = stripped.startsWith("'") ? reader.name(stripped)
                : new String[] {stripped.substring(0, Math.max(0, stripped.indexOf('.'))), stripped.substring(Math.max(0, stripped.indexOf('.')))};
        if (!table[1].startsWith(".")) {
            throw new IllegalArgumentException("not a Table.column reference: " + text);
        }
        String[] column = reader.name(table[1].substring(1));
        return new String[] {table[0], column[0]};
    }
}

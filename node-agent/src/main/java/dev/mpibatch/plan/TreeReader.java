package dev.mpibatch.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Typed reads from a job file's tree, each failing with a {@link PlanException} that names the file, the line and the
 * field and says what is expected. Pointers are JSON pointers ({@code /steps/2/exec}); messages show them as field
 * paths ({@code steps[2].exec}).
 */
final class TreeReader {
    private final YamlTree tree;
    private final String source;

    TreeReader(YamlTree tree, String source) {
        this.tree = tree;
        this.source = source;
    }

    JsonNode root() {
        return tree.root();
    }

    void checkFields(JsonNode object, String pointer, List<String> known) {
        Iterator<String> names = object.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String hint = closest(name, known);
                throw error(pointer + "/" + name, "unknown field '" + name + "'"
                        + (hint == null ? "" : " (did you mean '" + hint + "'?)")
                        + ": valid fields " + (pointer.isEmpty() ? "" : "of " + path(pointer) + " ")
                        + "are " + String.join(", ", known));
            }
        }
    }

    JsonNode required(JsonNode object, String pointer, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw error(pointer, path(pointer + "/" + field) + " is missing: it is required");
        }
        return value;
    }

    int integer(JsonNode node, String pointer) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw error(pointer, path(pointer) + " must be a whole number, not " + describe(node));
        }
        return node.intValue();
    }

    String text(JsonNode node, String pointer) {
        if (!node.isValueNode() || node.isNull() || node.isBoolean() && !pointer.endsWith("/sh")) {
            throw error(pointer, path(pointer) + " must be text, not " + describe(node));
        }
        return node.asText();
    }

    boolean bool(JsonNode node, String pointer) {
        if (!node.isBoolean()) {
            throw error(pointer, path(pointer) + " must be true or false, not " + describe(node));
        }
        return node.booleanValue();
    }

    List<String> strings(JsonNode node, String pointer) {
        if (!node.isArray()) {
            throw error(pointer, path(pointer) + " must be a list of text, e.g. [a, b], not " + describe(node));
        }
        List<String> values = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isValueNode() || item.isNull()) {
                throw error(pointer + "/" + i, path(pointer) + "[" + i + "] must be text, not " + describe(item));
            }
            values.add(item.asText());
        }
        return values;
    }

    /**
     * A map of variable names to text values ({@code env}). Numbers are taken as written ({@code OMP_NUM_THREADS: 4});
     * a boolean is refused, since YAML reads {@code yes}, {@code no}, {@code on} and {@code off} as booleans too.
     */
    Map<String, String> variables(JsonNode node, String pointer) {
        if (!node.isObject()) {
            throw error(pointer, path(pointer) + " must be a map of names to values, e.g. {OMP_NUM_THREADS: 4}, not "
                    + describe(node));
        }
        Map<String, String> values = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String at = pointer + "/" + field.getKey().replace("~", "~0").replace("/", "~1");
            JsonNode value = field.getValue();
            if (value.isNull()) {
                throw error(at, path(pointer) + "." + field.getKey() + " has no value: write " + field.getKey()
                        + ": '' for an empty one");
            }
            if (value.isBoolean() || !value.isValueNode()) {
                throw error(at, path(pointer) + "." + field.getKey() + " must be text, not " + describe(value)
                        + (value.isBoolean() ? ": put the value in quotes (YAML reads yes, no, on, off, true and false "
                        + "as booleans)" : ""));
            }
            values.put(field.getKey(), value.asText());
        }
        return values;
    }

    Duration duration(JsonNode node, String pointer) {
        try {
            return DurationText.parse(text(node, pointer));
        } catch (IllegalArgumentException e) {
            throw error(pointer, path(pointer) + ": " + e.getMessage());
        }
    }

    PlanException error(String pointer, String message) {
        if (source == null) {
            return new PlanException(message); // one step sent on its own: no file, no lines
        }
        int line = tree.line(pointer);
        return new PlanException(source + (line > 0 ? " line " + line : "") + ": " + message);
    }

    /** Validator messages start with the field's path; add the file and the line where we know them. */
    PlanException withLine(PlanException e) {
        String message = e.getMessage();
        int colon = message.indexOf(": ");
        String field = colon > 0 ? message.substring(0, colon) : "";
        String pointer = "/" + field.replaceAll("\\[(\\d+)]", "/$1").replace('.', '/');
        int line = tree.line(pointer);
        // A name with a '.' in it (env.A.B) has no pointer of its own: the nearest enclosing field's line will do.
        while (line == 0 && pointer.lastIndexOf('/') > 0) {
            pointer = pointer.substring(0, pointer.lastIndexOf('/'));
            line = tree.line(pointer);
        }
        return new PlanException(source + (line > 0 ? " line " + line : "") + ": " + message, e);
    }

    static String path(String pointer) {
        String path = pointer.replaceFirst("^/", "").replaceAll("/(\\d+)", "[$1]").replace('/', '.');
        return path.isEmpty() ? "the job" : path;
    }

    static String describe(JsonNode node) {
        if (node.isObject()) {
            return "a map";
        }
        if (node.isArray()) {
            return "a list";
        }
        return node.isNull() ? "null" : "'" + node.asText() + "'";
    }

    private static String closest(String name, List<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int d = distance(name.toLowerCase(), candidate.toLowerCase());
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}

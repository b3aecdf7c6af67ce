package dev.mpibatch.plan;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/**
 * A YAML (or JSON) document as a Jackson tree plus the line of every value, keyed by JSON pointer,
 * because Jackson's trees forget where things were and error messages should say where to look.
 */
final class YamlTree {
    private static final YAMLFactory FACTORY = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final JsonNode root;
    private final Map<String, Integer> lines;

    private YamlTree(JsonNode root, Map<String, Integer> lines) {
        this.root = root;
        this.lines = lines;
    }

    static YamlTree read(String text, String source) {
        Map<String, Integer> lines = new HashMap<>();
        try (JsonParser parser = FACTORY.createParser(text)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw new PlanException(source + ": the job file is empty: it needs at least name, nodes and steps");
            }
            JsonNode root = readValue(parser, "", lines, source);
            if (parser.nextToken() != null) {
                throw new PlanException(source + " line " + line(parser) + ": more than one document: keep one job per file");
            }
            return new YamlTree(root, lines);
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException p && p.getLocation() != null
                    ? " line " + p.getLocation().getLineNr() : "";
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException p
                    ? p.getOriginalMessage() : e.getMessage();
            // SnakeYAML knows the problem and where it is, which is what a user needs; its context comes second.
            if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblem() != null) {
                where = yaml.getProblemMark() == null ? where : " line " + (yaml.getProblemMark().getLine() + 1);
                message = yaml.getProblem() + (yaml.getContext() == null ? "" : " (" + yaml.getContext() + ")");
            }
            throw new PlanException(source + where + ": not valid YAML or JSON: " + firstLine(message), e);
        }
    }

    JsonNode root() {
        return root;
    }

    /** The line of the value at {@code pointer} (e.g. {@code /steps/2}), or 0 when unknown. */
    int line(String pointer) {
        return lines.getOrDefault(pointer, 0);
    }

    private static JsonNode readValue(JsonParser parser, String pointer, Map<String, Integer> lines, String source)
            throws IOException {
        lines.putIfAbsent(pointer, line(parser));
        JsonToken token = parser.currentToken();
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    int fieldLine = line(parser);
                    if (object.has(name)) {
                        throw new PlanException(source + " line " + fieldLine + ": field '" + name
                                + "' appears twice: keep one");
                    }
                    String child = pointer + "/" + name.replace("~", "~0").replace("/", "~1");
                    lines.put(child, fieldLine);
                    parser.nextToken();
                    object.set(name, readValue(parser, child, lines, source));
                }
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(readValue(parser, pointer + "/" + index++, lines, source));
                }
                return array;
            }
            case VALUE_STRING -> {
                if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                    // Jackson would hand back the alias's name as text: a silent, wrong value.
                    throw new PlanException(source + " line " + line(parser) + ": YAML aliases (*" + parser.getText()
                            + ") are not supported in job files: write the value out");
                }
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return NODES.numberNode(parser.getBigIntegerValue());
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDecimalValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new PlanException(source + " line " + line(parser) + ": unexpected " + token);
        }
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}

package dev.mpibatch.plan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reads job files (YAML or JSON: JSON is YAML, so one parser reads both) into a validated {@link JobSpec}.
 * Messages name the file, the line and the field, and say how to fix it.
 */
public final class PlanParser {
    /** Job files are small; anything bigger is a mistake (or belongs in {@code files}). */
    public static final int MAX_BYTES = 1024 * 1024;

    private static final List<String> TOP_FIELDS =
            List.of("schemaVersion", "name", "nodes", "slotsPerNode", "workingDir", "files", "timeouts", "mpi", "steps");
    private static final List<String> TIMEOUT_FIELDS = List.of("formation", "step", "mainLease");
    private static final List<String> MPI_FIELDS = List.of("args", "program", "programArgs");
    private static final List<String> STEP_TYPES = List.of("cc", "broadcast", "exec", "run", "sh");

    private final YamlTree tree;
    /** Names the text in messages, with the line; {@code null} for one step sent on its own (no file, no lines). */
    private final String source;

    private PlanParser(YamlTree tree, String source) {
        this.tree = tree;
        this.source = source;
    }

    /**
     * Parses the job file at {@code path}. Only a regular file (or a link to one) is opened: a directory, a FIFO or a
     * device is refused from its attributes alone, since opening a FIFO would wait for a writer forever.
     */
    public static JobSpec parse(Path path) {
        JobFiles.requireRegularFile(path);
        try {
            if (Files.size(path) > MAX_BYTES) {
                throw new PlanException(path + ": the job file is larger than 1 MiB: put data in 'files' instead");
            }
            return parse(Files.readAllBytes(path), path.toString());
        } catch (NoSuchFileException e) {
            throw new PlanException("job file " + path + " does not exist: check the path");
        } catch (IOException e) {
            // Unreadable content (e.g. /proc/self/mem answers EIO) is bad input, not a bug of ours.
            throw new PlanException("job file " + path + " cannot be read: " + e.getMessage()
                    + ": pass a readable YAML or JSON job file");
        }
    }

    /** Parses job file bytes, which must be UTF-8; {@code source} names them in messages. */
    public static JobSpec parse(byte[] bytes, String source) {
        if (bytes.length > MAX_BYTES) {
            throw new PlanException(source + ": the job file is larger than 1 MiB: put data in 'files' instead");
        }
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            return parse(text, source);
        } catch (CharacterCodingException e) {
            throw new PlanException(source + ": the job file is not UTF-8 text: save it as UTF-8");
        }
    }

    /** Parses job file text; {@code source} names it in messages. */
    public static JobSpec parse(String text, String source) {
        YamlTree tree = YamlTree.read(text, source);
        return new PlanParser(tree, source).spec();
    }

    /**
     * Parses one step written as an item of a job file's {@code steps} (e.g. {@code {"exec": {"program": "./hello"}}}),
     * as {@code mpi-batch-node} sends it to the main node's agent, and validates it as a plan's steps are, for a job
     * whose working directory is {@code workingDir}. Messages name the field from {@code step}, e.g.
     * {@code step.exec.program: ...}.
     *
     * @throws PlanException naming the first field that is wrong and how to fix it
     */
    public static Step parseStep(String json, String workingDir) {
        YamlTree tree = YamlTree.read(json, "the step");
        Step step = new PlanParser(tree, null).step(tree.root(), "/step", "step");
        JobSpecValidator.validateStep("step", step, workingDir);
        return step;
    }

    private JobSpec spec() {
        JsonNode root = tree.root();
        if (!root.isObject()) {
            throw error("", "the job file must be a map of fields (schemaVersion, name, nodes, steps, ...)");
        }
        checkFields(root, "", TOP_FIELDS);
        int schema = root.has("schemaVersion") ? integer(root.get("schemaVersion"), "/schemaVersion") : JobSpec.SCHEMA_VERSION;
        String name = text(required(root, "", "name"), "/name");
        int nodes = integer(required(root, "", "nodes"), "/nodes");
        OptionalInt slots = root.has("slotsPerNode") && !root.get("slotsPerNode").isNull()
                ? OptionalInt.of(integer(root.get("slotsPerNode"), "/slotsPerNode")) : OptionalInt.empty();
        String workingDir = root.has("workingDir") ? text(root.get("workingDir"), "/workingDir") : JobSpec.DEFAULT_WORKING_DIR;
        List<String> files = root.has("files") ? strings(root.get("files"), "/files") : List.of();
        Timeouts timeouts = root.has("timeouts") ? timeouts(root.get("timeouts")) : Timeouts.defaults();
        MpiImplementation mpi = root.has("mpi") ? mpi(root.get("mpi")) : MpiImplementation.AUTO;
        List<Step> steps = steps(required(root, "", "steps"));
        JobSpec spec = new JobSpec(schema, name, nodes, slots, workingDir, files, timeouts, mpi, steps);
        try {
            return JobSpecValidator.validate(spec);
        } catch (PlanException e) {
            throw withLine(e);
        }
    }

    private Timeouts timeouts(JsonNode node) {
        if (!node.isObject()) {
            throw error("/timeouts", "timeouts must be a map with formation, step, mainLease");
        }
        checkFields(node, "/timeouts", TIMEOUT_FIELDS);
        Timeouts defaults = Timeouts.defaults();
        return new Timeouts(
                node.has("formation") ? duration(node.get("formation"), "/timeouts/formation") : defaults.formation(),
                node.has("step") ? duration(node.get("step"), "/timeouts/step") : defaults.step(),
                node.has("mainLease") ? duration(node.get("mainLease"), "/timeouts/mainLease") : defaults.mainLease());
    }

    private MpiImplementation mpi(JsonNode node) {
        try {
            return MpiImplementation.parse(text(node, "/mpi"));
        } catch (IllegalArgumentException e) {
            throw error("/mpi", "mpi: " + e.getMessage());
        }
    }

    private List<Step> steps(JsonNode node) {
        if (!node.isArray()) {
            throw error("/steps", "steps must be a list, e.g. '- exec: {program: ./hello}'");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            steps.add(step(node.get(i), "/steps/" + i, "steps[" + i + "]"));
        }
        return steps;
    }

    private Step step(JsonNode node, String pointer, String label) {
        if (!node.isObject() || node.size() != 1) {
            throw error(pointer, label + " must be a map with exactly one step type ("
                    + String.join(", ", STEP_TYPES) + "), e.g. '- cc: [-o, hello, hello.c]'");
        }
        Map.Entry<String, JsonNode> entry = node.fields().next();
        String type = entry.getKey();
        String at = pointer + "/" + type;
        JsonNode body = entry.getValue();
        return switch (type) {
            case "cc" -> new Step.Cc(strings(body, at));
            case "broadcast" -> new Step.Broadcast(strings(body, at));
            case "sh" -> new Step.Sh(text(body, at));
            case "exec" -> mpi(Step.Launcher.EXEC, body, at);
            case "run" -> mpi(Step.Launcher.RUN, body, at);
            default -> throw error(pointer, label + ": unknown step type '" + type + "': use one of "
                    + String.join(", ", STEP_TYPES));
        };
    }

    private Step mpi(Step.Launcher launcher, JsonNode body, String at) {
        if (body.isTextual()) {
            return new Step.Mpi(launcher, List.of(), body.asText(), List.of());
        }
        if (!body.isObject()) {
            throw error(at, launcher.stepType() + " must be a program or a map with args, program, programArgs");
        }
        checkFields(body, at, MPI_FIELDS);
        List<String> args = body.has("args") ? strings(body.get("args"), at + "/args") : List.of();
        String program = text(required(body, at, "program"), at + "/program");
        List<String> programArgs = body.has("programArgs") ? strings(body.get("programArgs"), at + "/programArgs") : List.of();
        return new Step.Mpi(launcher, args, program, programArgs);
    }

    private void checkFields(JsonNode object, String pointer, List<String> known) {
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

    private JsonNode required(JsonNode object, String pointer, String field) {
        JsonNode value = object.get(field);
        if (value == null || value.isNull()) {
            throw error(pointer, path(pointer + "/" + field) + " is missing: it is required");
        }
        return value;
    }

    private int integer(JsonNode node, String pointer) {
        if (!node.isIntegralNumber() || !node.canConvertToInt()) {
            throw error(pointer, path(pointer) + " must be a whole number, not " + describe(node));
        }
        return node.intValue();
    }

    private String text(JsonNode node, String pointer) {
        if (!node.isValueNode() || node.isNull() || node.isBoolean() && !pointer.endsWith("/sh")) {
            throw error(pointer, path(pointer) + " must be text, not " + describe(node));
        }
        return node.asText();
    }

    private List<String> strings(JsonNode node, String pointer) {
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

    private Duration duration(JsonNode node, String pointer) {
        try {
            return DurationText.parse(text(node, pointer));
        } catch (IllegalArgumentException e) {
            throw error(pointer, path(pointer) + ": " + e.getMessage());
        }
    }

    private PlanException error(String pointer, String message) {
        if (source == null) {
            return new PlanException(message);
        }
        int line = tree.line(pointer);
        return new PlanException(source + (line > 0 ? " line " + line : "") + ": " + message);
    }

    /** Validator messages start with the field's path; add the file and the line where we know them. */
    private PlanException withLine(PlanException e) {
        String message = e.getMessage();
        int colon = message.indexOf(':');
        String field = colon > 0 ? message.substring(0, colon) : "";
        String pointer = "/" + field.replaceAll("\\[(\\d+)]", "/$1").replace('.', '/');
        int line = tree.line(pointer);
        return new PlanException(source + (line > 0 ? " line " + line : "") + ": " + message, e);
    }

    private static String path(String pointer) {
        String path = pointer.replaceFirst("^/", "").replaceAll("/(\\d+)", "[$1]").replace('/', '.');
        return path.isEmpty() ? "the job" : path;
    }

    private static String describe(JsonNode node) {
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

    static Set<String> stepTypes() {
        return Set.copyOf(STEP_TYPES);
    }
}

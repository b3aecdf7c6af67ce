package dev.mpibatch.plan;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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
            List.of("schemaVersion", "name", "nodes", "slotsPerNode", "workingDir", "files", "timeouts", "mpi", "env",
                    "steps");
    private static final List<String> TIMEOUT_FIELDS = List.of("formation", "step", "mainLease");
    private static final List<String> MPI_FIELDS = List.of("args", "program", "programArgs");
    private static final List<String> STEP_TYPES = List.of("cc", "broadcast", "exec", "run", "sh");
    /** The field beside a step's type that gives the step's own variables. */
    private static final String STEP_ENV = "env";

    private final TreeReader reader;

    private PlanParser(YamlTree tree, String source) {
        this.reader = new TreeReader(tree, source);
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
     * Parses one step written as an item of a job file's {@code steps} (e.g. {@code {"exec": {"program": "./hello"}}},
     * with its own {@code env} if it has one), as {@code mpi-batch-node} sends it to the main node's agent, and
     * validates it as a plan's steps are, for a job whose working directory is {@code workingDir}. Messages name the
     * field from {@code step}, e.g. {@code step.exec.program: ...}.
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
        JsonNode root = reader.root();
        if (!root.isObject()) {
            throw reader.error("", "the job file must be a map of fields (schemaVersion, name, nodes, steps, ...)");
        }
        reader.checkFields(root, "", TOP_FIELDS);
        String name = reader.text(reader.required(root, "", "name"), "/name");
        int nodes = reader.integer(reader.required(root, "", "nodes"), "/nodes");
        OptionalInt slots = root.has("slotsPerNode") && !root.get("slotsPerNode").isNull()
                ? OptionalInt.of(reader.integer(root.get("slotsPerNode"), "/slotsPerNode")) : OptionalInt.empty();
        String workingDir = root.has("workingDir")
                ? reader.text(root.get("workingDir"), "/workingDir") : JobSpec.DEFAULT_WORKING_DIR;
        List<String> files = root.has("files") ? reader.strings(root.get("files"), "/files") : List.of();
        Timeouts timeouts = root.has("timeouts") ? timeouts(root.get("timeouts")) : Timeouts.defaults();
        MpiImplementation mpi = root.has("mpi") ? mpi(root.get("mpi")) : MpiImplementation.AUTO;
        List<Step> steps = steps(reader.required(root, "", "steps"));
        Map<String, String> env = root.has("env") ? reader.variables(root.get("env"), "/env") : Map.of();
        JobSpec spec = new JobSpec(JobSpec.FIRST_SCHEMA_VERSION, name, nodes, slots, workingDir, files, timeouts, mpi,
                steps, env);
        // Without a schemaVersion, a job is of the lowest version that has every field it uses.
        int schema = root.has("schemaVersion") ? reader.integer(root.get("schemaVersion"), "/schemaVersion")
                : spec.requiredSchemaVersion();
        spec = new JobSpec(schema, name, nodes, slots, workingDir, files, timeouts, mpi, steps, env);
        try {
            return JobSpecValidator.validate(spec);
        } catch (PlanException e) {
            throw reader.withLine(e);
        }
    }

    private Timeouts timeouts(JsonNode node) {
        if (!node.isObject()) {
            throw reader.error("/timeouts", "timeouts must be a map with formation, step, mainLease");
        }
        reader.checkFields(node, "/timeouts", TIMEOUT_FIELDS);
        Timeouts defaults = Timeouts.defaults();
        return new Timeouts(
                node.has("formation") ? reader.duration(node.get("formation"), "/timeouts/formation") : defaults.formation(),
                node.has("step") ? reader.duration(node.get("step"), "/timeouts/step") : defaults.step(),
                node.has("mainLease") ? reader.duration(node.get("mainLease"), "/timeouts/mainLease") : defaults.mainLease());
    }

    private MpiImplementation mpi(JsonNode node) {
        try {
            return MpiImplementation.parse(reader.text(node, "/mpi"));
        } catch (IllegalArgumentException e) {
            throw reader.error("/mpi", "mpi: " + e.getMessage());
        }
    }

    private List<Step> steps(JsonNode node) {
        if (!node.isArray()) {
            throw reader.error("/steps", "steps must be a list, e.g. '- exec: {program: ./hello}'");
        }
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            steps.add(step(node.get(i), "/steps/" + i, "steps[" + i + "]"));
        }
        return steps;
    }

    /** A step is a map of exactly one step type to its body, and optionally {@code env} beside it. */
    private Step step(JsonNode node, String pointer, String label) {
        List<String> types = new ArrayList<>();
        node.fieldNames().forEachRemaining(field -> {
            if (!field.equals(STEP_ENV)) {
                types.add(field);
            }
        });
        if (node.isObject() && node.size() > 1) {
            // A type beside another one, or a misspelt env: name the field that is wrong.
            List<String> known = new ArrayList<>(STEP_TYPES);
            known.add(STEP_ENV);
            reader.checkFields(node, pointer, known);
        }
        if (!node.isObject() || types.size() != 1) {
            throw reader.error(pointer, label + " must be a map with exactly one step type ("
                    + String.join(", ", STEP_TYPES) + "), e.g. '- cc: [-o, hello, hello.c]'");
        }
        String type = types.get(0);
        String at = pointer + "/" + type;
        JsonNode body = node.get(type);
        Map<String, String> env = node.has(STEP_ENV)
                ? reader.variables(node.get(STEP_ENV), pointer + "/" + STEP_ENV) : Map.of();
        if (type.equals("broadcast") && node.has(STEP_ENV)) {
            throw reader.error(pointer + "/" + STEP_ENV, label + ".env: a broadcast runs no program, so it "
                    + "takes no env: give env to the cc, exec, run or sh step that needs it");
        }
        return switch (type) {
            case "cc" -> new Step.Cc(reader.strings(body, at), env);
            case "broadcast" -> new Step.Broadcast(reader.strings(body, at));
            case "sh" -> new Step.Sh(reader.text(body, at), env);
            case "exec" -> mpi(Step.Launcher.EXEC, body, at, env);
            case "run" -> mpi(Step.Launcher.RUN, body, at, env);
            default -> throw reader.error(pointer, label + ": unknown step type '" + type + "': use one of "
                    + String.join(", ", STEP_TYPES));
        };
    }

    private Step mpi(Step.Launcher launcher, JsonNode body, String at, Map<String, String> env) {
        if (body.isTextual()) {
            return new Step.Mpi(launcher, List.of(), body.asText(), List.of(), env);
        }
        if (!body.isObject()) {
            throw reader.error(at, launcher.stepType() + " must be a program or a map with args, program, programArgs");
        }
        reader.checkFields(body, at, MPI_FIELDS);
        List<String> args = body.has("args") ? reader.strings(body.get("args"), at + "/args") : List.of();
        String program = reader.text(reader.required(body, at, "program"), at + "/program");
        List<String> programArgs = body.has("programArgs")
                ? reader.strings(body.get("programArgs"), at + "/programArgs") : List.of();
        return new Step.Mpi(launcher, args, program, programArgs, env);
    }

    static Set<String> stepTypes() {
        return Set.copyOf(STEP_TYPES);
    }
}

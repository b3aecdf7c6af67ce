package dev.mpibatch.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place where a {@link JobSpec} is checked, so a spec that passed is never rejected later for a reason
 * that could have been seen up front. Each message starts with the field's path (e.g. {@code steps[2].exec.program:}).
 */
public final class JobSpecValidator {
    /**
     * The longest job name: AWS Batch allows 128 characters in a job definition name, and the launcher's definition
     * is {@code mpi-batch-<name>} (10 more). The SubmitJob job name (the name itself, limit 128) and the staging key
     * piece {@code jobs/<name>-<time>-<random>/} fit within it too.
     */
    public static final int MAX_NAME_LENGTH = 128 - "mpi-batch-".length();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final int MAX_SLOTS = 1024;
    private static final int MAX_ARG_LENGTH = 64 * 1024;
    /** More steps than this is a generated plan gone wrong; a long sequence belongs in a script. */
    public static final int MAX_STEPS = 1000;
    public static final int MAX_FILES = 1000;

    private JobSpecValidator() {
    }

    /**
     * Returns {@code spec} when it is valid.
     *
     * @throws PlanException naming the first field that is wrong and how to fix it
     */
    public static JobSpec validate(JobSpec spec) {
        if (spec.schemaVersion() < JobSpec.FIRST_SCHEMA_VERSION || spec.schemaVersion() > JobSpec.SCHEMA_VERSION) {
            fail("schemaVersion", spec.schemaVersion() + " is not supported: this mpi-batch reads versions "
                    + JobSpec.FIRST_SCHEMA_VERSION + " to " + JobSpec.SCHEMA_VERSION
                    + (spec.schemaVersion() > JobSpec.SCHEMA_VERSION ? " (a newer mpi-batch wrote it: upgrade this one, "
                    + "or the node image)" : ""));
        }
        if (spec.requiredSchemaVersion() > spec.schemaVersion()) {
            fail("schemaVersion", spec.schemaVersion() + " does not have env, which this job uses: it came with "
                    + "version " + spec.requiredSchemaVersion() + "; write schemaVersion: "
                    + spec.requiredSchemaVersion() + ", or leave schemaVersion out");
        }
        if (!NAME.matcher(spec.name()).matches()) {
            fail("name", "'" + spec.name() + "' is not a valid name: use letters, digits, '-' and '_' "
                    + "(at most " + MAX_NAME_LENGTH + ", starting with a letter or digit)");
        }
        if (spec.name().length() > MAX_NAME_LENGTH) {
            fail("name", "'" + spec.name() + "' is " + spec.name().length() + " characters, more than "
                    + MAX_NAME_LENGTH + ": the job definition name mpi-batch-<name> must fit AWS Batch's limit of 128; "
                    + "use a shorter name");
        }
        if (spec.nodes() < 1 || spec.nodes() > JobSpec.MAX_NODES) {
            fail("nodes", spec.nodes() + " is out of range: use 1 to " + JobSpec.MAX_NODES);
        }
        if (spec.slotsPerNode().isPresent()) {
            int slots = spec.slotsPerNode().getAsInt();
            if (slots < 1 || slots > MAX_SLOTS) {
                fail("slotsPerNode", slots + " is out of range: use 1 to " + MAX_SLOTS + ", or leave it out for the CPU count");
            }
        }
        Path workingDir = Path.of(spec.workingDir());
        if (!workingDir.isAbsolute() || !workingDir.normalize().equals(workingDir) || spec.workingDir().contains("..")) {
            fail("workingDir", "'" + spec.workingDir() + "' must be an absolute path without '.' or '..' segments");
        }
        if (spec.files().size() > MAX_FILES) {
            fail("files", spec.files().size() + " files, more than " + MAX_FILES + ": stage an archive and unpack it in an 'sh' step");
        }
        for (int i = 0; i < spec.files().size(); i++) {
            relativePath("files[" + i + "]", spec.files().get(i));
        }
        Timeouts timeouts = spec.timeouts();
        positive("timeouts.formation", timeouts.formation().isZero() || timeouts.formation().isNegative());
        positive("timeouts.mainLease", timeouts.mainLease().isZero() || timeouts.mainLease().isNegative());
        if (timeouts.step().isNegative()) {
            fail("timeouts.step", "must not be negative: use 0 for no limit");
        }
        if (spec.steps().isEmpty()) {
            fail("steps", "the plan has no steps: add at least one, e.g. '- exec: {program: ./hello}'");
        }
        if (spec.steps().size() > MAX_STEPS) {
            fail("steps", spec.steps().size() + " steps, more than " + MAX_STEPS + ": put long sequences in a script "
                    + "and run it with one 'sh' or 'exec' step");
        }
        for (int i = 0; i < spec.steps().size(); i++) {
            step("steps[" + i + "]", spec.steps().get(i), workingDir);
            environment("steps[" + i + "].env", spec.steps().get(i).env());
        }
        environment("env", spec.env());
        return spec;
    }

    /**
     * Checks that every file of {@code spec.files()} exists in {@code jobDir} and stays inside it once links are
     * followed, so that staging never reads a file from elsewhere on the submitting machine.
     *
     * @throws PlanException naming the file ({@code files[i]}) and how to fix it
     */
    public static void checkFiles(JobSpec spec, Path jobDir) {
        Path base;
        try {
            base = jobDir.toRealPath();
        } catch (IOException e) {
            throw new PlanException("the job file's folder " + jobDir + " cannot be read: " + e.getMessage());
        }
        for (int i = 0; i < spec.files().size(); i++) {
            String file = spec.files().get(i);
            Path path = base.resolve(file);
            if (!Files.isRegularFile(path)) {
                fail("files[" + i + "]", file + " not found next to the job file (in " + base + "): fix the path in 'files'");
            }
            try {
                Path real = path.toRealPath();
                if (!real.startsWith(base)) {
                    fail("files[" + i + "]", file + " is a link to " + real + ", outside the job file's folder " + base
                            + ": copy the file into the folder instead");
                }
            } catch (IOException e) {
                fail("files[" + i + "]", file + " cannot be read: " + e.getMessage());
            }
        }
    }

    /**
     * Checks one step as {@link #validate} checks each of a plan's, for a job whose working directory is
     * {@code workingDir}; messages start with {@code at} (e.g. {@code step.exec.program:}).
     *
     * @throws PlanException naming the field that is wrong and how to fix it
     */
    public static void validateStep(String at, Step step, String workingDir) {
        step(at, step, Path.of(workingDir));
        environment(at + ".env", step.env());
    }

    private static void step(String at, Step step, Path workingDir) {
        String field = at + "." + step.type();
        if (step instanceof Step.Cc cc) {
            nonEmpty(field, cc.args(), "mpicc arguments, e.g. [-o, hello, hello.c]");
            texts(field, cc.args());
        } else if (step instanceof Step.Broadcast broadcast) {
            nonEmpty(field, broadcast.paths(), "the files to copy, e.g. [hello]");
            for (int i = 0; i < broadcast.paths().size(); i++) {
                String path = broadcast.paths().get(i);
                if (!path.startsWith("/")) {
                    relativePath(field + "[" + i + "]", path);
                } else if (!Path.of(path).normalize().toString().equals(path) || path.contains("..")) {
                    fail(field + "[" + i + "]", "'" + path + "' must not contain '.' or '..' segments");
                } else if (!Path.of(path).startsWith(workingDir) || Path.of(path).equals(workingDir)) {
                    fail(field + "[" + i + "]", "'" + path + "' is outside the working directory " + workingDir
                            + ": broadcast copies files inside it; give a path relative to it");
                }
            }
        } else if (step instanceof Step.Mpi mpi) {
            if (mpi.program().isBlank()) {
                fail(field + ".program", "the program is empty: name the MPI program to run, e.g. ./hello");
            }
            // mpirun and mpiexec (Open MPI and MPICH alike) would read it as one of their own options.
            if (mpi.program().startsWith("-")) {
                fail(field + ".program", "'" + mpi.program() + "' starts with '-', so mpi" + step.type()
                        + " would read it as an option: put MPI options in 'args', and for a program whose name "
                        + "starts with '-' write ./" + mpi.program());
            }
            texts(field + ".args", mpi.args());
            texts(field + ".programArgs", mpi.programArgs());
        } else if (step instanceof Step.Sh sh && sh.command().isBlank()) {
            fail(field, "the command is empty: give the shell command to run on the main node");
        }
    }

    private static void environment(String field, Map<String, String> env) {
        if (env.size() > JobEnvironment.MAX_VARIABLES) {
            fail(field, env.size() + " variables, more than " + JobEnvironment.MAX_VARIABLES
                    + ": put settings in a file in 'files' instead");
        }
        env.forEach((name, value) -> {
            JobEnvironment.nameProblem(name).ifPresent(problem -> fail(field + "." + name, problem));
            JobEnvironment.valueProblem(value).ifPresent(problem -> fail(field + "." + name, problem));
        });
    }

    private static void relativePath(String field, String path) {
        if (path.isBlank()) {
            fail(field, "the path is empty");
        }
        if (path.startsWith("/")) {
            fail(field, "'" + path + "' must be relative to the job file's folder (it is copied into the working directory)");
        }
        Path normalized = Path.of(path).normalize();
        if (normalized.startsWith("..") || normalized.toString().isEmpty() || path.contains("\0")) {
            fail(field, "'" + path + "' escapes the working directory: use a path inside it, without '..'");
        }
    }

    private static void nonEmpty(String field, List<String> values, String what) {
        if (values.isEmpty()) {
            fail(field, "the list is empty: give " + what);
        }
    }

    private static void texts(String field, List<String> values) {
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i);
            if (value.length() > MAX_ARG_LENGTH || value.indexOf('\0') >= 0) {
                fail(field + "[" + i + "]", "an argument must be at most 64 KiB of text without NUL characters");
            }
        }
    }

    private static void positive(String field, boolean notPositive) {
        if (notPositive) {
            fail(field, "must be longer than 0, e.g. 10m");
        }
    }

    private static void fail(String field, String message) {
        throw new PlanException(field + ": " + message);
    }
}

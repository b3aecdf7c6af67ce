package dev.mpibatch.plan;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The rules for the variables a job gives its programs ({@code env} in the job file, a step's {@code env},
 * {@code --env NAME=VALUE} on the command line), in one place so that every way in refuses the same names.
 */
public final class JobEnvironment {
    /** Name prefixes that are not the job's to set: AWS Batch sets {@code AWS_BATCH_*}, mpi-batch {@code MPI_BATCH_*}. */
    public static final List<String> RESERVED_PREFIXES = List.of("AWS_BATCH_", "MPI_BATCH_");
    /** More variables than this is a generated file gone wrong. */
    public static final int MAX_VARIABLES = 1000;
    /** The longest value, as for an argument. */
    public static final int MAX_VALUE_LENGTH = 64 * 1024;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final int MAX_NAME_LENGTH = 255;

    private JobEnvironment() {
    }

    /** An unmodifiable copy sorted by name (so equal maps print and hash alike); {@code null} values are refused. */
    public static Map<String, String> copy(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        TreeMap<String, String> sorted = new TreeMap<>();
        env.forEach((name, value) -> sorted.put(Objects.requireNonNull(name, "env name"),
                Objects.requireNonNull(value, "env value of " + name)));
        return Collections.unmodifiableMap(sorted);
    }

    /** {@code base} with {@code overrides} on top: an override's value wins. */
    public static Map<String, String> merge(Map<String, String> base, Map<String, String> overrides) {
        TreeMap<String, String> merged = new TreeMap<>(base);
        merged.putAll(overrides);
        return Collections.unmodifiableMap(merged);
    }

    /**
     * What is wrong with {@code name} as a variable name of the job, if anything: not a shell variable name, or one
     * of the {@link #RESERVED_PREFIXES}. The text is a sentence to follow the field's name, e.g. {@code env.X: ...}.
     */
    public static Optional<String> nameProblem(String name) {
        if (name.length() > MAX_NAME_LENGTH || !NAME.matcher(name).matches()) {
            return Optional.of("'" + shorten(name) + "' is not a variable name: use letters, digits and '_' "
                    + "(at most " + MAX_NAME_LENGTH + "), not starting with a digit");
        }
        for (String reserved : RESERVED_PREFIXES) {
            if (name.startsWith(reserved)) {
                return Optional.of("names starting with " + reserved + " are set by "
                        + (reserved.startsWith("AWS") ? "AWS Batch" : "mpi-batch") + " on every node; pick another name");
            }
        }
        return Optional.empty();
    }

    /** What is wrong with {@code value} as a variable's value, if anything. */
    public static Optional<String> valueProblem(String value) {
        if (value.length() > MAX_VALUE_LENGTH || value.indexOf('\0') >= 0) {
            return Optional.of("a value must be at most 64 KiB of text without NUL characters");
        }
        return Optional.empty();
    }

    /** Shortens what a user wrote before it is quoted back in a message. */
    private static String shorten(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}

package dev.mpibatch.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import dev.mpibatch.launcher.InvalidInputException;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for options, in one place: a flag beats {@code MPI_BATCH_<OPTION>} in the environment, which beats the
 * project's {@code .mpi-batch/config}, which beats {@code ~/.mpi-batch/config}, which beats the built-in default.
 * Config files are Java properties named like the options ({@code queue=mpi}, {@code bucket=my-bucket}).
 *
 * <p>Not every option is a standing setting. What the job file sets ({@link #JOB_FILE_OWNS}) changes only with its
 * flag: a config file's {@code nodes=8} would otherwise beat every job file's node count without a word, so a config
 * file that sets one is refused (and {@code MPI_BATCH_NODES} is not read: the agent's own {@code MPI_BATCH_*}
 * variables share that namespace). Options that describe one invocation ({@link #PER_CALL}) and options whose name
 * means something else in another command ({@link #PER_COMMAND}) are never read either.
 */
final class ConfigDefaults implements IDefaultValueProvider {
    /** Options that describe one invocation, never a standing default. */
    private static final Set<String> PER_CALL = Set.of("help", "version", "verbose", "quiet", "stack-trace",
            "dry-run", "wait", "follow", "never-start", "keep", "cleanup", "all", "node", "reason", "stack", "config",
            "status");
    /** What the job file sets: only its flag overrides it. */
    static final Set<String> JOB_FILE_OWNS = Set.of("nodes", "slots-per-node", "mpi", "formation-timeout");
    /**
     * Options of one command that share a name with another command's standing setting: {@code image=} names the
     * image to submit, not "run local hosts as containers"; {@code timeout=} is submit's attempt timeout, not how
     * long {@code wait} waits.
     */
    private static final Set<String> PER_COMMAND = Set.of("local:image", "local:shm-size", "wait:timeout");
    /** The keys a config file may hold: every option that can be a standing setting, in some command. */
    static final Set<String> KNOWN = Set.of("queue", "image", "bucket", "prefix", "job-role-arn", "use-instance-role",
            "vcpus", "memory", "shm-size", "gpus", "efa", "instance-type", "retry-attempts", "timeout",
            "share-identifier", "log-group", "tag", "env", "explain-after", "region", "endpoint-url", "profile",
            "output", "subnet", "rendezvous", "loopback", "agent-jar", "link-rate");

    private final Map<String, String> env;
    /** key -> value, the project's file over the user's. */
    private final Map<String, String> values = new HashMap<>();
    /** key -> the file its value came from. */
    private final Map<String, Path> sources = new HashMap<>();
    private final List<String> problems = new ArrayList<>();

    ConfigDefaults(Map<String, String> env, Path workingDir) {
        this.env = env;
        String home = env.get("HOME");
        if (home != null) {
            load(Path.of(home, ".mpi-batch", "config"));
        }
        load(workingDir.resolve(".mpi-batch").resolve("config"));
    }

    /** The config file path a user edits: {@code ~/.mpi-batch/config}. */
    static Path userConfig(Map<String, String> env) {
        return Path.of(env.getOrDefault("HOME", System.getProperty("user.home")), ".mpi-batch", "config");
    }

    /** A config file that cannot be used: the message names the file, the key and the fix. CLI exit code 2. */
    static final class ConfigFileException extends InvalidInputException {
        ConfigFileException(String message) {
            super(message);
        }
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = name(option);
        if (!configurable(name, option.command() == null ? "" : option.command().name())) {
            return null;
        }
        return origin(name).isPresent() ? value(name) : null;
    }

    /** The region a config file sets ({@code region=}), the lowest of the region's sources but the SDK's own. */
    Optional<String> region() {
        return Optional.ofNullable(values.get("region")).filter(v -> !v.isBlank());
    }

    /**
     * Where the value of setting {@code name} comes from, for messages ({@code MPI_BATCH_VCPUS in the environment},
     * a config file's path); empty when neither sets it.
     */
    Optional<String> origin(String name) {
        String fromEnv = env.get(envName(name));
        if (fromEnv != null && !fromEnv.isBlank() && !JOB_FILE_OWNS.contains(name)) {
            return Optional.of(envName(name) + " in the environment");
        }
        String fromFile = values.get(name);
        return fromFile == null || fromFile.isBlank() ? Optional.empty() : Optional.of(sources.get(name).toString());
    }

    /** The value that {@link #origin} describes. */
    String value(String name) {
        String fromEnv = env.get(envName(name));
        return fromEnv != null && !fromEnv.isBlank() ? fromEnv : values.get(name);
    }

    /**
     * Refuses a config file that cannot be read, names an unknown setting, or sets what the job file owns; for the
     * command {@code command} about to run (help needs no settings, so it is never refused).
     *
     * @throws ConfigFileException naming the file, the key and the fix
     */
    void check(String command) {
        if (command.equals("help") || command.equals("completion")) {
            return;
        }
        if (!problems.isEmpty()) {
            throw new ConfigFileException(String.join("\n", problems));
        }
        for (Map.Entry<String, String> entry : new java.util.TreeMap<>(values).entrySet()) {
            String key = entry.getKey();
            Path file = sources.get(key);
            if (JOB_FILE_OWNS.contains(key)) {
                throw new ConfigFileException(file + ": " + key + "=" + entry.getValue() + " cannot be a standing "
                        + "setting: " + key + " comes from the job file, or from --" + key + " for one run; remove "
                        + "the line");
            }
            if (!KNOWN.contains(key)) {
                throw new ConfigFileException(file + ": unknown setting '" + key + "'" + suggestion(key) + ": settings "
                        + "are named like the options without '--' (queue=..., bucket=...; README: Settings); fix or "
                        + "remove the line");
            }
        }
    }

    static String name(OptionSpec option) {
        return option.longestName().replaceFirst("^-+", "");
    }

    private static boolean configurable(String name, String command) {
        return !PER_CALL.contains(name) && !JOB_FILE_OWNS.contains(name) && !name.equals("region")
                && !PER_COMMAND.contains(command + ":" + name);
    }

    private static String envName(String name) {
        return "MPI_BATCH_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    private static String suggestion(String key) {
        String best = null;
        int bestDistance = 3;
        for (String known : KNOWN) {
            int distance = distance(key, known);
            if (distance < bestDistance) {
                best = known;
                bestDistance = distance;
            }
        }
        return best == null ? "" : " (did you mean '" + best + "'?)";
    }

    /** Levenshtein distance, for suggestions. */
    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            int[] current = new int[b.length() + 1];
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }
            previous = current;
        }
        return previous[b.length()];
    }

    private void load(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        if (!Files.isRegularFile(path)) {
            problems.add(path + " is not a file: the config file must be a file of key=value lines (or absent)");
            return;
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Properties layer = new Properties();
            layer.load(reader);
            Map<String, String> read = new LinkedHashMap<>();
            layer.forEach((k, v) -> read.put(k.toString().strip(), v.toString().strip()));
            read.forEach((k, v) -> {
                values.put(k, v);
                sources.put(k, path);
            });
        } catch (IOException | IllegalArgumentException e) {
            problems.add("cannot read the config file " + path + ": " + e.getMessage() + " (it must be UTF-8 text of "
                    + "key=value lines)");
        }
    }
}

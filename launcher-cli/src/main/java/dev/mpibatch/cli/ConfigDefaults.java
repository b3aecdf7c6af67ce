package dev.mpibatch.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Defaults for options, in one place: a flag beats {@code MPI_BATCH_<OPTION>} in the environment, which beats the
 * project's {@code .mpi-batch/config}, which beats {@code ~/.mpi-batch/config}, which beats the built-in default.
 * Config files are Java properties named like the options ({@code queue=mpi}, {@code bucket=my-bucket}).
 */
final class ConfigDefaults implements IDefaultValueProvider {
    /** Options that describe one invocation, never a standing default. */
    private static final Set<String> PER_CALL = Set.of("help", "version", "verbose", "dry-run", "wait", "follow",
            "never-start", "keep", "cleanup");

    private final Map<String, String> env;
    private final Properties file = new Properties();

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

    @Override
    public String defaultValue(ArgSpec arg) {
        if (!(arg instanceof OptionSpec option)) {
            return null;
        }
        String name = option.longestName().replaceFirst("^-+", "");
        if (PER_CALL.contains(name)) {
            return null;
        }
        String fromEnv = env.get("MPI_BATCH_" + name.toUpperCase(Locale.ROOT).replace('-', '_'));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        return file.getProperty(name);
    }

    private void load(Path path) {
        if (!Files.isRegularFile(path)) {
            return;
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            Properties layer = new Properties();
            layer.load(reader);
            file.putAll(layer);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the config file " + path + ": " + e.getMessage());
        }
    }
}

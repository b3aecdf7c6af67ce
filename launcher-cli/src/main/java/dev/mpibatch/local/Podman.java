package dev.mpibatch.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The podman command a container cluster runs: {@code MPI_BATCH_PODMAN} when set (bin/mpi-batch points it at
 * bin/podman, which adds what a sandboxed machine needs), else {@code podman} from PATH.
 */
final class Podman {
    static final String ENV = "MPI_BATCH_PODMAN";

    private final String executable;
    private final Map<String, String> environment;

    private Podman(String executable, Map<String, String> environment) {
        this.executable = executable;
        this.environment = environment;
    }

    static Podman from(Map<String, String> environment) {
        String configured = environment.get(ENV);
        return new Podman(configured == null || configured.isBlank() ? "podman" : configured, environment);
    }

    String executable() {
        return executable;
    }

    boolean available() {
        return Commands.available(executable, environment);
    }

    /** {@code podman args...} as a command line. */
    List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(executable));
        command.addAll(List.of(args));
        return command;
    }

    /** Runs {@code podman args...}; returns its standard output; throws with its standard error when it fails. */
    String run(String... args) {
        return Commands.run(command(args));
    }

    /** Runs {@code podman args...} and ignores failure: for clean-up, where the thing may already be gone. */
    void runQuietly(String... args) {
        Commands.runQuietly(command(args));
    }

    boolean imageExists(String image) {
        try {
            run("image", "exists", image);
            return true;
        } catch (dev.mpibatch.process.CommandFailedException e) {
            return false;
        }
    }
}

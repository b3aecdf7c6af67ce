package dev.mpibatch.local;

import java.util.List;
import java.util.Map;

import dev.mpibatch.process.Exec;

/**
 * The small system commands a local cluster is made of ({@code ip}, {@code kill}, {@code podman}), through the one
 * process runner ({@link Exec}: both streams drained at once, a timeout that fires).
 */
final class Commands {
    private Commands() {
    }

    /**
     * Runs {@code command}; returns its standard output.
     *
     * @throws dev.mpibatch.process.CommandFailedException when it cannot start, exits with a failure (naming its
     *                                                     standard error) or runs longer than a minute
     */
    static String run(List<String> command) {
        return Exec.of(command).check();
    }

    /** Runs {@code command} and ignores failure: for clean-up, where the thing may already be gone. */
    static void runQuietly(List<String> command) {
        Exec.of(command).runQuietly();
    }

    /** Whether {@code program} is found on the PATH of {@code environment}, or at an absolute path. */
    static boolean available(String program, Map<String, String> environment) {
        return Exec.find(program, environment.get("PATH")).isPresent();
    }
}

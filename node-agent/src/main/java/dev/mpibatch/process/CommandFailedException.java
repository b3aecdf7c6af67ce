package dev.mpibatch.process;

import java.util.List;
import java.util.OptionalInt;

/**
 * A system command (ip, podman, sshd -t, mpirun --version, ...) could not be started, ran out of time, or exited
 * with a failure. The message names the command, its exit code and the last of its standard error.
 * The CLI's exit code 3: something outside mpi-batch refused.
 */
public class CommandFailedException extends RuntimeException {
    private final transient List<String> command;
    private final OptionalInt exitCode;

    CommandFailedException(List<String> command, OptionalInt exitCode, String message, Throwable cause) {
        super(message, cause);
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
    }

    /** The command as it was run. */
    public List<String> command() {
        return command;
    }

    /** Its exit code; empty when it could not start or was killed for running out of time. */
    public OptionalInt exitCode() {
        return exitCode;
    }
}

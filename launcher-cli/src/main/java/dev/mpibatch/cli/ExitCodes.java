package dev.mpibatch.cli;

import java.io.UncheckedIOException;

import dev.mpibatch.agent.rendezvous.RendezvousException;
import dev.mpibatch.launcher.InvalidInputException;
import dev.mpibatch.launcher.LauncherException;
import dev.mpibatch.plan.PlanException;
import dev.mpibatch.process.CommandFailedException;
import picocli.CommandLine;

/**
 * The CLI's exit codes, and which failure gets which. Commands that end with a job's result ({@code local},
 * {@code submit --wait}, {@code wait}) exit with the main node's exit code, which the agent keeps within this table
 * (see {@link #ofJob}).
 *
 * <table>
 * <caption>Exit codes</caption>
 * <tr><td>0</td><td>success</td></tr>
 * <tr><td>1</td><td>the job (or one of its steps) failed</td></tr>
 * <tr><td>2</td><td>bad usage or bad input: a flag, the job file (also one that cannot be read), the config file,
 *     missing credentials; nothing was done</td></tr>
 * <tr><td>3</td><td>AWS, S3 or a system tool (ip, podman, sshd) refused or failed, or a job's cluster did not
 *     form</td></tr>
 * <tr><td>4</td><td>internal error: a bug in mpi-batch</td></tr>
 * <tr><td>N</td><td>a failing step's own exit code (5 to 255; 2 to 4 are reported as 1)</td></tr>
 * <tr><td>124</td><td>{@code wait --timeout} ran out</td></tr>
 * <tr><td>130</td><td>interrupted (Ctrl-C, SIGTERM)</td></tr>
 * </table>
 */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job (or one of its steps) failed. */
    public static final int JOB_FAILED = 1;
    /** Bad usage or bad input: nothing was done. */
    public static final int USAGE = 2;
    /** AWS, S3 or a system tool failed, or the job's cluster did not form. */
    public static final int REMOTE = 3;
    /** A bug in mpi-batch. */
    public static final int INTERNAL = 4;
    /** {@code wait --timeout} ran out before the job ended (as coreutils' {@code timeout}). */
    public static final int TIMED_OUT = 124;
    /** Interrupted by Ctrl-C or SIGTERM (as shells report SIGINT). */
    public static final int INTERRUPTED = 130;

    private ExitCodes() {
    }

    /** The exit code for a failure that ended a command. */
    public static int of(Throwable e) {
        if (e instanceof CommandLine.ParameterException || e instanceof PlanException
                || e instanceof InvalidInputException) {
            return USAGE;
        }
        if (e instanceof RendezvousException || e instanceof software.amazon.awssdk.core.exception.SdkException
                || e instanceof LauncherException || e instanceof CommandFailedException
                || e instanceof UncheckedIOException) {
            return REMOTE;
        }
        return INTERNAL;
    }

    /**
     * The CLI's exit code for a job whose main node exited with {@code code}: the same, since the agent keeps its
     * codes within this table (its own 2, 3 and 4 mean bad input, no cluster and a bug; a step that exits 2, 3 or 4
     * is reported as 1). A node stopped by a signal (128 + n) that the user sent counts as interrupted.
     */
    public static int ofJob(int code, boolean interrupted) {
        if (interrupted) {
            return INTERRUPTED;
        }
        return code < 0 || code > 255 ? JOB_FAILED : code;
    }
}

package dev.mpibatch.cli;

/**
 * Text shared by the commands' {@code --help}: the exit codes (see {@link ExitCodes}) and where settings come from.
 * Constants, because picocli takes them in annotations.
 */
final class HelpText {
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_OK = "0:success";
    static final String EXIT_FAILED = "1:the job (or one of its steps) failed";
    static final String EXIT_USAGE = "2:bad usage or bad input (a flag, the job file, the config file): nothing was done";
    static final String EXIT_REMOTE = "3:AWS, S3 or a system tool (ip, podman, sshd) refused or failed; for a job: "
            + "its cluster did not form";
    static final String EXIT_INTERNAL = "4:internal error (a bug in mpi-batch: run again with -x and report it)";
    /** For commands that end with a job's result. */
    static final String EXIT_STEP = "N:the exit code of the failing step's program (2, 3 and 4 are reported as 1, "
            + "so that they keep the meanings above)";
    static final String EXIT_TIMEOUT = "124:wait --timeout ran out before the job ended (the job goes on)";
    static final String EXIT_INTERRUPTED = "130:interrupted (Ctrl-C or SIGTERM); everything it created is removed";

    static final String EXAMPLES_HEADING = "%nExamples:%n";
    /** The last footer line of every command. */
    static final String SETTINGS = "%nSettings: a flag beats MPI_BATCH_<OPTION> in the environment (MPI_BATCH_QUEUE, "
            + "...), which beats .mpi-batch/config in this directory, then ~/.mpi-batch/config (key=value lines named "
            + "like the options: queue=..., bucket=...), then the default shown. What the job file sets (nodes, "
            + "slotsPerNode, mpi, timeouts) changes only with the flag (--nodes, ...), never from the environment or a "
            + "config file. Credentials come from the AWS SDK's chain or --profile, never from mpi-batch's settings.";

    private HelpText() {
    }
}

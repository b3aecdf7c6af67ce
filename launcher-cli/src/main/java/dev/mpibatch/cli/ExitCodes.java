package dev.mpibatch.cli;

/** The CLI's exit codes; with {@code --wait} or {@code local}, the job's own result is passed through. */
public final class ExitCodes {
    public static final int OK = 0;
    /** The job (or one of its steps) failed. */
    public static final int JOB_FAILED = 1;
    /** Bad usage or bad input: nothing was done. */
    public static final int USAGE = 2;
    /** AWS or another remote service failed. */
    public static final int REMOTE = 3;
    /** A bug in mpi-batch. */
    public static final int INTERNAL = 4;

    private ExitCodes() {
    }
}

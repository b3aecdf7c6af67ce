package dev.mpibatch.cli;

import java.io.PrintStream;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobState;

/**
 * Prints a followed job: state and nodes to stderr (one progress line rewritten in place on a terminal, plain lines
 * otherwise), every node's log lines with a node prefix. The final state is left to the summary that follows, so it
 * is said once. Quiet: log lines only.
 */
final class FollowPrinter implements JobHandle.Listener {
    private final PrintStream logs;
    private final PrintStream err;
    private final boolean terminal;
    private final boolean progress;
    private JobState state = JobState.SUBMITTED;
    private String nodes = "";
    private boolean lineOpen;

    /**
     * @param logs     where node log lines go (stdout; stderr when stdout carries a JSON document)
     * @param terminal whether {@code err} is a terminal (the progress line is rewritten in place)
     */
    FollowPrinter(PrintStream logs, PrintStream err, boolean terminal) {
        this(logs, err, terminal, true);
    }

    /** @param progress whether to show states and nodes at all (not with --quiet) */
    FollowPrinter(PrintStream logs, PrintStream err, boolean terminal, boolean progress) {
        this.logs = logs;
        this.err = err;
        this.terminal = terminal;
        this.progress = progress;
    }

    @Override
    public synchronized void stateChanged(JobHandle job, JobState newState) {
        state = newState;
        if (!newState.isFinal()) {
            show(job, "job " + job.jobId() + ": " + newState);
        }
    }

    @Override
    public synchronized void nodesChanged(JobHandle job, int running, int total) {
        nodes = "nodes running: " + running + "/" + total;
        if (!state.isFinal()) {
            show(job, nodes);
        }
    }

    @Override
    public synchronized void logLine(JobHandle job, int node, long timestampMillis, String message) {
        // On a terminal the progress line is taken away for the log line and drawn again under it.
        clearLine();
        logs.println("[node " + node + "] " + message);
        logs.flush();
        redraw(job);
    }

    @Override
    public synchronized void stillWaiting(JobHandle job, JobState waitingIn, java.time.Duration waited,
                                          java.util.List<String> reasons) {
        endLine();
        String since = dev.mpibatch.plan.DurationText.format(waited);
        if (reasons.isEmpty()) {
            err.println("job " + job.jobId() + " is still " + waitingIn + " after " + since + "; mpi-batch's checks "
                    + "found no cause (the compute environment may be scaling up; instance limits of the account and "
                    + "the subnets' route to S3 are not checked: see 'aws batch describe-compute-environments')");
        } else {
            err.println("job " + job.jobId() + " is still " + waitingIn + " after " + since + ", and will not start:");
            reasons.forEach(r -> err.println("  - " + r));
        }
        err.flush();
    }

    /** Takes the progress line away before the summary (on a terminal it is rewritten, not left behind). */
    synchronized void endLine() {
        clearLine();
    }

    private void clearLine() {
        if (lineOpen) {
            err.print("\r\033[K");
            err.flush();
            lineOpen = false;
        }
    }

    private void redraw(JobHandle job) {
        if (terminal && progress && !state.isFinal() && state != JobState.SUBMITTED) {
            draw(job);
        }
    }

    private void show(JobHandle job, String plain) {
        if (!progress) {
            return;
        }
        if (terminal) {
            draw(job);
        } else {
            err.println(plain);
        }
        err.flush();
    }

    private void draw(JobHandle job) {
        err.print("\r\033[K" + "job " + job.jobId() + ": " + state + (nodes.isEmpty() ? "" : ", " + nodes));
        err.flush();
        lineOpen = true;
    }
}

package dev.mpibatch.cli;

import java.io.PrintStream;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobState;

/**
 * Prints a followed job: state and nodes to stderr (one progress line rewritten in place on a terminal, plain lines
 * otherwise), every node's log lines to stdout with a node prefix.
 */
final class FollowPrinter implements JobHandle.Listener {
    private final PrintStream out;
    private final PrintStream err;
    private final boolean terminal;
    private JobState state = JobState.SUBMITTED;
    private String nodes = "";
    private boolean lineOpen;

    FollowPrinter(PrintStream out, PrintStream err, boolean terminal) {
        this.out = out;
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public synchronized void stateChanged(JobHandle job, JobState newState) {
        state = newState;
        show(job, "job " + job.jobId() + ": " + newState);
    }

    @Override
    public synchronized void nodesChanged(JobHandle job, int running, int total) {
        nodes = "nodes running: " + running + "/" + total;
        show(job, nodes);
    }

    @Override
    public synchronized void logLine(JobHandle job, int node, long timestampMillis, String message) {
        endLine();
        out.println("[node " + node + "] " + message);
        out.flush();
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

    /** Ends the progress line before the summary. */
    synchronized void endLine() {
        if (lineOpen) {
            err.println();
            lineOpen = false;
        }
    }

    private void show(JobHandle job, String plain) {
        if (terminal) {
            err.print("\r\033[K" + "job " + job.jobId() + ": " + state + (nodes.isEmpty() ? "" : ", " + nodes));
            lineOpen = true;
        } else {
            err.println(plain);
        }
        err.flush();
    }
}

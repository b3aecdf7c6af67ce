package dev.mpibatch.cli;

import java.io.PrintStream;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobState;

/** Prints a followed job: states and nodes to stderr, every node's log lines to stdout with a node prefix. */
final class FollowPrinter implements JobHandle.Listener {
    private final PrintStream out;
    private final PrintStream err;

    FollowPrinter(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void stateChanged(JobHandle job, JobState state) {
        err.println("job " + job.jobId() + ": " + state);
        err.flush();
    }

    @Override
    public void nodesChanged(JobHandle job, int running, int total) {
        err.println("nodes running: " + running + "/" + total);
        err.flush();
    }

    @Override
    public void logLine(JobHandle job, int node, long timestampMillis, String message) {
        out.println("[node " + node + "] " + message);
        out.flush();
    }
}

package dev.mpibatch.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpi-batch logs JOB}: the nodes' logs, interleaved by time. */
@Command(name = "logs", mixinStandardHelpOptions = true, description = "Print a job's logs: every node's, or one node's.")
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @ArgGroup(exclusive = true)
    Which which = new Which();

    static final class Which {
        @Option(names = "--node", paramLabel = "N", description = "Only this node's log.")
        Integer node;

        @Option(names = "--all", description = "Every node's log (the default).")
        boolean all;
    }

    @Option(names = "--follow", description = "Keep printing until the job ends.")
    boolean follow;

    @Option(names = "--log-group", paramLabel = "GROUP", defaultValue = "/aws/batch/job",
            description = "CloudWatch Logs group of the containers (default: ${DEFAULT-VALUE}).")
    String logGroup;

    @Mixin
    AwsMixin aws;

    @Override
    public Integer call() {
        if (which.node != null && which.node < 0) {
            throw new IllegalArgumentException("--node " + which.node + ": node indices start at 0");
        }
        try (MpiBatchLauncher launcher = Launchers.forQueries(aws.clients(parent.env), logGroup)) {
            launcher.status(jobId);
            Integer only = which.node;
            JobHandle.Listener printer = new JobHandle.Listener() {
                @Override
                public void logLine(JobHandle handle, int node, long timestampMillis, String message) {
                    if (only == null || only == node) {
                        parent.out.println("[node " + node + "] " + message);
                        parent.out.flush();
                    }
                }
            };
            if (follow) {
                JobHandle job = launcher.attach(jobId);
                job.addListener(printer);
                awaitEnd(job);
            } else {
                launcher.logs(jobId, printer);
            }
            return ExitCodes.OK;
        }
    }

    private static void awaitEnd(JobHandle job) {
        try {
            job.completion().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }
}

package dev.mpibatch.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletionException;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.launcher.InvalidInputException;
import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.LauncherException;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import dev.mpibatch.launcher.aws.NodeJobs;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.batch.model.JobDetail;

/** {@code mpi-batch logs JOB}: the nodes' logs, interleaved by time. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = "Print a job's logs: every node's, or one node's, interleaved by time.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK,
                "2:bad usage: e.g. --node 5 of a 3-node job", "3:AWS failed, or the log group does not exist",
                HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch logs $J --all", "  mpi-batch logs $J --node 0 --follow",
                "  mpi-batch logs $J --output json | jq -r 'select(.node == 1) | .message'",
                "  mpi-batch logs $J --log-group /mpi-batch/jobs       (the stack's LogGroup output)", HelpText.SETTINGS})
final class LogsCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @ArgGroup(exclusive = true)
    Which which = new Which();

    static final class Which {
        @Option(names = "--node", paramLabel = "N", description = "Only this node's log (default: every node's).")
        Integer node;

        @Option(names = "--all", description = "Every node's log (the default).")
        boolean all;
    }

    @Option(names = "--follow", description = "Keep printing until the job ends (default: what is there, then exit).")
    boolean follow;

    @Option(names = "--log-group", paramLabel = "GROUP", defaultValue = "/aws/batch/job",
            description = "CloudWatch Logs group of the containers (Batch's own by default; the stack's LogGroup "
                    + "output with infra/mpi-batch.yaml).")
    String logGroup;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        if (which.node != null && which.node < 0) {
            throw new InvalidInputException("--node " + which.node + ": node indices start at 0");
        }
        try (MpiBatchLauncher launcher = Launchers.forQueries(parent.aws(), logGroup)) {
            JobStatus status = launcher.status(jobId);
            int numNodes = Math.max(1, NodeJobs.numNodes(status.job()));
            if (which.node != null && which.node >= numNodes) {
                throw new InvalidInputException("--node " + which.node + ": job " + jobId + " has " + numNodes
                        + (numNodes == 1 ? " node (0)" : " nodes (0 to " + (numNodes - 1) + ")"));
            }
            boolean started = BatchJobHandle.logStream(status.job()) != null
                    || status.nodes().stream().anyMatch(n -> BatchJobHandle.logStream(n) != null);
            if (started && !launcher.logGroupExists()) {
                throw new LauncherException("log group " + logGroup + " does not exist in region "
                        + parent.aws().resolvedRegion().id() + ", though job " + jobId + " has log streams: pass "
                        + "--log-group with the group its job definition logs to (with infra/mpi-batch.yaml: the "
                        + "stack's LogGroup output, which 'mpi-batch configure' writes as log-group=)");
            }
            if (!started && parent.verbosity() >= 0) {
                parent.err.println("job " + jobId + " is " + status.job().statusAsString() + ": no node has started, "
                        + "so there are no logs yet" + (follow ? "; waiting for them" : ""));
            }
            if (which.node != null && !follow) {
                noteMissingStream(status, which.node);
            }
            JobHandle.Listener printer = printer(which.node);
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

    private JobHandle.Listener printer(Integer only) {
        return new JobHandle.Listener() {
            @Override
            public void logLine(JobHandle handle, int node, long timestampMillis, String message) {
                if (only != null && only != node) {
                    return;
                }
                if (output.json()) {
                    ObjectNode line = JobJson.document();
                    line.put("node", node);
                    line.put("timestamp", JobJson.time(timestampMillis));
                    line.put("message", message);
                    parent.out.println(JobJson.writeLine(line));
                } else {
                    parent.out.println("[node " + node + "] " + message);
                }
                parent.out.flush();
            }
        };
    }

    /** A node that has not started has no stream: say so instead of printing nothing. */
    private void noteMissingStream(JobStatus status, int node) {
        for (JobDetail detail : status.nodes()) {
            if (detail.jobId().endsWith("#" + node) && BatchJobHandle.logStream(detail) == null
                    && parent.verbosity() >= 0) {
                parent.err.println("node " + node + " of job " + jobId + " is " + detail.statusAsString()
                        + " and has no log stream yet");
            }
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

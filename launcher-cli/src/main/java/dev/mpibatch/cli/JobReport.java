package dev.mpibatch.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.OptionalInt;

import dev.mpibatch.launcher.JobState;
import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import software.amazon.awssdk.services.batch.model.JobDetail;

/** How a job on Batch ended, for {@code submit --wait} and {@code wait}: the summary they print and their exit code. */
final class JobReport {
    private JobReport() {
    }

    /**
     * The CLI's exit code for a job that ended: 0 when it succeeded, else the main node's exit code (the agent keeps
     * it within the CLI's table, see {@link ExitCodes#ofJob}), or 1 when Batch gives none (a job that never ran, or
     * was stopped).
     */
    static int exitCode(JobStatus status) {
        JobState state = JobState.fromBatch(status.job().statusAsString());
        if (state == JobState.SUCCEEDED) {
            return ExitCodes.OK;
        }
        OptionalInt main = BatchJobHandle.exitCode(status.job());
        return main.isPresent() && main.getAsInt() != 0 ? ExitCodes.ofJob(main.getAsInt(), false) : ExitCodes.JOB_FAILED;
    }

    /**
     * The summary: the job's end and elapsed time, the main node's exit code and Batch's reason, each node's result,
     * and where its logs are.
     */
    static void print(PrintStream err, JobStatus status, Duration elapsed) {
        JobDetail job = status.job();
        OptionalInt main = BatchJobHandle.exitCode(job);
        StringBuilder line = new StringBuilder("job ").append(job.jobId()).append(" (").append(job.jobName())
                .append(") ").append(job.statusAsString()).append(" after ").append(Elapsed.of(elapsed));
        if (JobState.fromBatch(job.statusAsString()) != JobState.SUCCEEDED) {
            line.append(main.isPresent() ? ": main node exited with " + main.getAsInt() : ": Batch reports no exit code");
            if (job.statusReason() != null && !job.statusReason().isBlank()) {
                line.append(" (").append(job.statusReason()).append(')');
            }
        }
        err.println(line);
        if (status.nodes().isEmpty()) {
            err.println("  nodes: Batch lists no per-node jobs for it");
        } else {
            err.println("  NODE  STATUS     EXIT");
            int mainIndex = job.nodeProperties() == null || job.nodeProperties().mainNode() == null
                    ? 0 : job.nodeProperties().mainNode();
            for (JobDetail node : status.nodes()) {
                String index = node.jobId().substring(node.jobId().lastIndexOf('#') + 1);
                OptionalInt exit = BatchJobHandle.exitCode(node);
                err.println(String.format("  %-5s %-10s %-5s%s", index, node.statusAsString(),
                        exit.isPresent() ? Integer.toString(exit.getAsInt()) : "-",
                        index.equals(Integer.toString(mainIndex)) ? " main" : "").stripTrailing());
            }
        }
        err.println("  logs: mpi-batch logs " + job.jobId() + " --all");
    }
}

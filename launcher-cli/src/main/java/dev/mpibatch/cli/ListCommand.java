package dev.mpibatch.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.batch.model.JobSummary;

/** {@code mpi-batch list --queue Q}: the queue's jobs, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List a queue's jobs, newest first.")
final class ListCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Option(names = "--queue", paramLabel = "QUEUE", required = true, description = "The job queue (MPI_BATCH_QUEUE).")
    String queue;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only jobs in this status (RUNNING, SUCCEEDED, FAILED, ...).")
    String status;

    @Mixin
    AwsMixin aws;

    @Override
    public Integer call() {
        Optional<String> wanted = Optional.ofNullable(status).map(s -> s.toUpperCase(java.util.Locale.ROOT));
        wanted.ifPresent(s -> {
            if (!java.util.Set.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED").contains(s)) {
                throw new IllegalArgumentException("--status " + status + ": use SUBMITTED, PENDING, RUNNABLE, STARTING, "
                        + "RUNNING, SUCCEEDED or FAILED");
            }
        });
        try (MpiBatchLauncher launcher = Launchers.forQueries(aws.clients(parent.env))) {
            parent.out.printf("%-38s %-24s %-10s%n", "JOB", "NAME", "STATUS");
            for (JobSummary job : launcher.list(queue, wanted)) {
                parent.out.printf("%-38s %-24s %-10s%n", job.jobId(), job.jobName(), job.statusAsString());
            }
            return ExitCodes.OK;
        }
    }
}

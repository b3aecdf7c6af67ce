package dev.mpibatch.cli;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.mpibatch.launcher.InvalidInputException;
import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.batch.model.JobSummary;

/** {@code mpi-batch list --queue Q}: the queue's jobs, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a queue's jobs, newest first.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_USAGE,
                HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch list --queue mpi-queue", "  mpi-batch list --queue mpi-queue --status RUNNING",
                "  mpi-batch list --output json | jq -r '.jobs[].jobId'    (queue= from the config file)",
                HelpText.SETTINGS})
final class ListCommand implements Callable<Integer> {
    private static final List<String> STATUSES = List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING",
            "SUCCEEDED", "FAILED");

    @ParentCommand
    MpiBatchCommand parent;

    @Option(names = "--queue", paramLabel = "QUEUE", description = "The job queue (required: the flag, "
            + "MPI_BATCH_QUEUE or queue= in the config file).")
    String queue;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only jobs in this status (SUBMITTED, PENDING, "
            + "RUNNABLE, STARTING, RUNNING, SUCCEEDED or FAILED; default: all).")
    String status;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        if (queue == null || queue.isBlank()) {
            throw new InvalidInputException("queue", "--queue is required: pass it, set MPI_BATCH_QUEUE, or put "
                    + "'queue=...' in ~/.mpi-batch/config ('mpi-batch configure --stack NAME' writes it)");
        }
        Optional<String> wanted = Optional.ofNullable(status).map(s -> s.toUpperCase(java.util.Locale.ROOT));
        wanted.ifPresent(s -> {
            if (!STATUSES.contains(s)) {
                throw new InvalidInputException("--status " + status + ": use SUBMITTED, PENDING, RUNNABLE, STARTING, "
                        + "RUNNING, SUCCEEDED or FAILED");
            }
        });
        try (MpiBatchLauncher launcher = Launchers.forQueries(parent.aws())) {
            List<JobSummary> jobs = launcher.list(queue, wanted);
            if (output.json()) {
                parent.out.println(JobJson.write(JobJson.jobs(queue, jobs)));
                return ExitCodes.OK;
            }
            parent.out.printf("%-38s %-24s %-10s%n", "JOB", "NAME", "STATUS");
            for (JobSummary job : jobs) {
                parent.out.printf("%-38s %-24s %-10s%n", job.jobId(), job.jobName(), job.statusAsString());
            }
            return ExitCodes.OK;
        }
    }
}

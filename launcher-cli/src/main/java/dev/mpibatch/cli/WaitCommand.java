package dev.mpibatch.cli;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobState;
import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mpi-batch wait JOB}: follows a job submitted earlier to its end, and exits with its result. */
@Command(name = "wait", mixinStandardHelpOptions = true,
        description = "Wait for a job submitted earlier to end: its states, nodes and logs, then a summary; exit with "
                + "its result (as submit --wait).",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_FAILED,
                HelpText.EXIT_USAGE, HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL, HelpText.EXIT_STEP,
                HelpText.EXIT_TIMEOUT},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  J=$(mpi-batch submit job.yaml --image $REPO:latest); mpi-batch wait $J",
                "  mpi-batch wait $J --timeout 2h || echo \"not done: $?\"",
                "  mpi-batch wait $J --output json | jq '.nodes[] | {index, exitCode}'",
                HelpText.SETTINGS})
final class WaitCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Spec
    CommandSpec commandSpec;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    Duration timeout;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Give up after this long (e.g. 30m, 2h): "
            + "exit 124 and leave the job running (default: wait as long as it takes).")
    void timeout(String text) {
        timeout = OptionChecks.duration(commandSpec, "--timeout", text);
    }

    @Option(names = "--log-group", paramLabel = "GROUP", defaultValue = "/aws/batch/job",
            description = "CloudWatch Logs group of the containers (default: ${DEFAULT-VALUE}).")
    String logGroup;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        try (MpiBatchLauncher launcher = Launchers.forQueries(parent.aws(), logGroup)) {
            // Asked first, so that an unknown job fails at once, naming the region.
            JobStatus status = launcher.status(jobId);
            Instant since = status.job().createdAt() == null ? Instant.now()
                    : Instant.ofEpochMilli(status.job().createdAt());
            if (JobState.fromBatch(status.job().statusAsString()).isFinal()) {
                // Ended already: the summary (or JSON) at once, no log replay (that is 'logs').
                if (output.json()) {
                    parent.out.println(JobJson.write(JobJson.job(status)));
                } else if (parent.verbosity() >= 0) {
                    Instant end = status.job().stoppedAt() == null ? Instant.now()
                            : Instant.ofEpochMilli(status.job().stoppedAt());
                    JobReport.print(parent.err, status, Duration.between(since, end));
                }
                return JobReport.exitCode(status);
            }
            JobHandle job = launcher.attach(jobId);
            return new JobFollower(parent, output).follow(launcher, job, since, Optional.ofNullable(timeout));
        }
    }
}

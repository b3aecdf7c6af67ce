package dev.mpibatch.cli;

import java.util.concurrent.Callable;

import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.batch.model.JobDetail;

/** {@code mpi-batch status JOB}: the job and a table of its nodes. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show a job's state and its nodes.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_USAGE,
                HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch status $J", "  mpi-batch status $J --output json | jq -r .status",
                "  mpi-batch --profile prod status $J     (the profile's credentials and region)", HelpText.SETTINGS})
final class StatusCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        try (MpiBatchLauncher launcher = Launchers.forQueries(parent.aws())) {
            JobStatus status = launcher.status(jobId);
            if (output.json()) {
                parent.out.println(JobJson.write(JobJson.job(status)));
                return ExitCodes.OK;
            }
            var job = status.job();
            int numNodes = job.nodeProperties() == null ? 1 : job.nodeProperties().numNodes();
            parent.out.printf("job      %s%nname     %s%nstatus   %s%s%nqueue    %s%nnodes    %d%n", job.jobId(),
                    job.jobName(), job.statusAsString(), job.statusReason() == null ? "" : " (" + job.statusReason() + ")",
                    job.jobQueue(), numNodes);
            if (!status.nodes().isEmpty()) {
                parent.out.printf("%nNODE  STATUS      EXIT  JOB%n");
                for (JobDetail node : status.nodes()) {
                    var exit = BatchJobHandle.exitCode(node);
                    parent.out.printf("%-5s %-11s %-5s %s%n", node.jobId().substring(node.jobId().lastIndexOf('#') + 1),
                            node.statusAsString(), exit.isPresent() ? Integer.toString(exit.getAsInt()) : "-", node.jobId());
                }
            }
            return ExitCodes.OK;
        }
    }
}

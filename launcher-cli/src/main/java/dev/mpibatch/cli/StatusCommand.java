package dev.mpibatch.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.launcher.JobStatus;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.launcher.aws.SdkJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import software.amazon.awssdk.services.batch.model.JobDetail;

/** {@code mpi-batch status JOB}: the job and a table of its nodes. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a job's state and its nodes.")
final class StatusCommand implements Callable<Integer> {
    enum Format { text, json }

    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--output", paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    Format output;

    @Mixin
    AwsMixin aws;

    @Override
    public Integer call() {
        AwsClients clients = aws.clients(parent.env);
        try (MpiBatchLauncher launcher = Launchers.forQueries(clients)) {
            JobStatus status = launcher.status(jobId);
            if (output == Format.json) {
                ObjectNode json = JsonNodeFactory.instance.objectNode();
                json.set("job", SdkJson.toJson(status.job()));
                json.set("nodes", SdkJson.toJson(status.nodes()));
                parent.out.println(SdkJson.write(json));
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

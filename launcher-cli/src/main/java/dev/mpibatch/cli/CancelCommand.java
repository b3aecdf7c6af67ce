package dev.mpibatch.cli;

import java.util.concurrent.Callable;

import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpi-batch cancel JOB}: stops a job in any state. */
@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Stop a job (whatever its state).")
final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled with mpi-batch cancel",
            description = "Why (shown in the job's status reason).")
    String reason;

    @Mixin
    AwsMixin aws;

    @Override
    public Integer call() {
        try (MpiBatchLauncher launcher = Launchers.forQueries(aws.clients(parent.env))) {
            if (launcher.cancel(jobId, reason)) {
                parent.err.println("asked Batch to stop job " + jobId + " (" + reason + ")");
            } else {
                parent.err.println("job " + jobId + " has ended already: nothing to stop");
            }
            return ExitCodes.OK;
        }
    }
}

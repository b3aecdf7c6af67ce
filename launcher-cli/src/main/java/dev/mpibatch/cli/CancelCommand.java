package dev.mpibatch.cli;

import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.launcher.MpiBatchLauncher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code mpi-batch cancel JOB}: stops a job in any state. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Stop a job (whatever its state).",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_USAGE,
                HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch cancel $J", "  mpi-batch cancel $J --reason \"wrong input\"", HelpText.SETTINGS})
final class CancelCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOB", description = "The job id.")
    String jobId;

    @Option(names = "--reason", paramLabel = "TEXT", defaultValue = "cancelled with mpi-batch cancel",
            description = "Why (shown in the job's status reason; default: '${DEFAULT-VALUE}').")
    String reason;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        try (MpiBatchLauncher launcher = Launchers.forQueries(parent.aws())) {
            boolean stopped = launcher.cancel(jobId, reason);
            if (output.json()) {
                ObjectNode json = JobJson.document();
                json.put("jobId", jobId);
                json.put("cancelled", stopped);
                json.put("reason", stopped ? reason : null);
                parent.out.println(JobJson.write(json));
            } else if (stopped) {
                parent.err.println("asked Batch to stop job " + jobId + " (" + reason + ")");
            } else {
                parent.err.println("job " + jobId + " has ended already: nothing to stop");
            }
            return ExitCodes.OK;
        }
    }
}

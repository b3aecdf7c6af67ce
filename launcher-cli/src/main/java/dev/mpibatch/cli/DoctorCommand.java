package dev.mpibatch.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import dev.mpibatch.launcher.LauncherSettings;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.plan.PlanParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code mpi-batch doctor [JOBFILE]}: the checks a submit makes before it sends anything, on their own, so that a job
 * that could never start is found before it sits in RUNNABLE. Exit 0 when nothing is found, 1 when something is.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Check that a job could start: job role, queue and compute environments enabled, enough vCPUs, "
                + "the instance type allowed. Exit 0 when nothing is found, 1 otherwise.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {"0:nothing found that would keep the job "
                + "from starting", "1:something would (each finding is printed)", HelpText.EXIT_USAGE,
                HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch doctor --nodes 8", "  mpi-batch doctor examples/graph/job.yaml --instance-type c6i.32xlarge",
                "  mpi-batch doctor --nodes 8 --output json | jq .problems", HelpText.SETTINGS})
final class DoctorCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOBFILE", description = "The job file (for its node count).")
    Path jobFile;

    @Spec
    CommandSpec commandSpec;

    Integer nodes;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of nodes (default: the job file's, or 1 "
            + "without one).")
    void nodes(int value) {
        nodes = OptionChecks.nodes(commandSpec, value);
    }

    @Mixin
    SettingsMixin settings;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        int count = nodes != null ? nodes : jobFile != null ? PlanParser.parse(jobFile).nodes() : 1;
        AwsClients clients = parent.aws();
        LauncherSettings checked = settings.settings(false).toBuilder().region(clients.resolvedRegion().id()).build();
        if (checked.vcpus() == 0) {
            throw new dev.mpibatch.launcher.InvalidInputException("vcpus", "vCPUs per node are not set: pass --vcpus, or an --instance-type that "
                    + "mpi-batch knows (README: Node size)");
        }
        try (MpiBatchLauncher launcher = new MpiBatchLauncher(clients.batch(), NoAws.s3(), NoAws.logs(), checked)) {
            List<String> problems = launcher.check(count);
            if (output.json()) {
                com.fasterxml.jackson.databind.node.ObjectNode json = JobJson.document();
                json.put("queue", checked.queue());
                json.put("region", clients.resolvedRegion().id());
                json.put("nodes", count);
                json.put("vcpus", checked.vcpus());
                json.put("instanceType", checked.instanceType().orElse(null));
                json.put("ok", problems.isEmpty());
                var found = json.putArray("problems");
                problems.forEach(found::add);
                json.putArray("notChecked").add("the account's instance limits").add("the subnets' route to S3");
                parent.out.println(JobJson.write(json));
                return problems.isEmpty() ? ExitCodes.OK : ExitCodes.JOB_FAILED;
            }
            if (problems.isEmpty()) {
                parent.out.println("ok: queue " + checked.queue() + " can start " + count + " nodes x " + checked.vcpus()
                        + " vCPUs" + checked.instanceType().map(t -> " on " + t).orElse("")
                        + " (not checked: the account's instance limits, the subnets' route to S3)");
                return ExitCodes.OK;
            }
            problems.forEach(p -> parent.out.println("problem: " + p));
            return ExitCodes.JOB_FAILED;
        }
    }
}

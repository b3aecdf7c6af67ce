package dev.mpibatch.cli;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.MpiBatchLauncher;
import dev.mpibatch.launcher.Submission;
import dev.mpibatch.launcher.aws.AwsClients;
import dev.mpibatch.launcher.aws.SdkJson;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.PlanParser;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code mpi-batch submit JOBFILE}: the job as a multi-node parallel job on AWS Batch. */
@Command(name = "submit", mixinStandardHelpOptions = true,
        description = "Register the job definition, stage the plan and files in S3, submit; with --wait follow it to "
                + "the end. Prints the job id on stdout.",
        exitCodeListHeading = HelpText.EXIT_CODES_HEADING, exitCodeList = {HelpText.EXIT_OK, HelpText.EXIT_FAILED,
                HelpText.EXIT_USAGE, HelpText.EXIT_REMOTE, HelpText.EXIT_INTERNAL, HelpText.EXIT_STEP},
        footerHeading = HelpText.EXAMPLES_HEADING,
        footer = {"  mpi-batch submit examples/c-hello/job.yaml --image $REPO:latest --wait",
                "  J=$(mpi-batch submit job.yaml --image $REPO:latest --nodes 8); mpi-batch wait $J",
                "  mpi-batch submit job.yaml --image img:1 --dry-run       (the requests, no AWS call)",
                "  mpi-batch submit job.yaml --image img:1 --wait --endpoint-url http://127.0.0.1:5000",
                HelpText.SETTINGS})
final class SubmitCommand implements Callable<Integer> {
    @ParentCommand
    MpiBatchCommand parent;

    @Parameters(index = "0", paramLabel = "JOBFILE", description = "The job file (YAML or JSON).")
    Path jobFile;

    @Spec
    CommandSpec commandSpec;

    Integer nodes;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of nodes, 1 to 1000 (default: the job file's "
            + "nodes).")
    void nodes(int value) {
        nodes = OptionChecks.nodes(commandSpec, value);
    }

    @Option(names = "--wait", description = "Follow the job: states, nodes, every node's logs, then a summary; exit "
            + "with its result (default: print the job id and return).")
    boolean waitForEnd;

    @Option(names = "--dry-run", description = "Print the job definition and SubmitJob request as JSON; call no AWS "
            + "API (default: off).")
    boolean dryRun;

    java.time.Duration explainAfter;

    @Option(names = "--explain-after", paramLabel = "DURATION", description = "With --wait: when the job is still "
            + "RUNNABLE after this long, look for why and say so (default: 5m).")
    void explainAfter(String text) {
        explainAfter = OptionChecks.duration(commandSpec, "--explain-after", text);
    }

    @Mixin
    SettingsMixin settings;

    @Mixin
    OutputMixin output;

    @Override
    public Integer call() {
        OptionChecks.exclusive(commandSpec, "--dry-run", "--wait", "a dry run submits nothing");
        JobSpec spec = PlanParser.parse(jobFile);
        if (nodes != null) {
            spec = spec.withNodes(nodes);
        }
        Path jobDir = jobFile.toAbsolutePath().getParent();
        AwsClients clients = parent.aws();
        // The nodes are told the region the launcher uses (AWS_REGION): the bucket's region as far as it knows.
        var builder = settings.settings().toBuilder().region(clients.resolvedRegion().id());
        // --endpoint-url (an emulator) is where the nodes must reach S3 too.
        if (parent.endpointUrl != null) {
            builder.s3Endpoint(parent.endpointUrl);
        }
        if (explainAfter != null) {
            builder.explainRunnableAfter(explainAfter);
        }
        var launcherSettings = builder.build();
        if (dryRun) {
            return printDryRun(spec, jobDir, launcherSettings);
        }
        Instant start = Instant.now();
        // Without --wait no log is read: not building the Logs client saves start-up time.
        try (MpiBatchLauncher launcher = new MpiBatchLauncher(clients.batch(), clients.s3(),
                waitForEnd ? clients.logs() : NoAws.logs(), launcherSettings)) {
            JobHandle job = launcher.submit(spec, jobDir);
            if (!output.json()) {
                parent.out.println(job.jobId());
                parent.out.flush();
            }
            if (!waitForEnd) {
                if (output.json()) {
                    ObjectNode json = JobJson.document();
                    json.put("jobId", job.jobId());
                    json.put("name", spec.name());
                    json.put("queue", launcherSettings.queue());
                    json.put("numNodes", spec.nodes());
                    parent.out.println(JobJson.write(json));
                } else if (parent.verbosity() >= 0) {
                    parent.err.println("submitted " + spec.name() + " on " + spec.nodes() + " nodes to "
                            + launcherSettings.queue() + " in " + clients.resolvedRegion().id() + "; follow it with: "
                            + "mpi-batch wait " + job.jobId() + "   (or: mpi-batch logs " + job.jobId()
                            + " --all --follow)");
                }
                return ExitCodes.OK;
            }
            return new JobFollower(parent, output).follow(launcher, job, start);
        }
    }

    private int printDryRun(JobSpec spec, Path jobDir, dev.mpibatch.launcher.LauncherSettings launcherSettings) {
        // Clients are never built: a dry run must work without credentials or network.
        Submission submission = new MpiBatchLauncher(NoAws.batch(), NoAws.s3(), NoAws.logs(), launcherSettings).plan(spec, jobDir);
        for (String problem : submission.problems()) {
            parent.err.println("mpi-batch: WARNING: submit would refuse this job: " + problem);
        }
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.set("registerJobDefinition", SdkJson.toJson(submission.definition()));
        json.set("submitJob", SdkJson.toJson(submission.submit()));
        json.set("stagedObjects", SdkJson.toJson(submission.staged()));
        parent.out.println(SdkJson.write(json));
        return ExitCodes.OK;
    }
}

package dev.mpibatch.cli;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.mpibatch.launcher.LauncherSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where and how a job runs on Batch. */
final class SettingsMixin {
    @Option(names = "--queue", paramLabel = "QUEUE", description = "Batch job queue (required: the flag, MPI_BATCH_QUEUE or queue= "
            + "in the config file, which 'mpi-batch configure --stack' writes).")
    String queue;

    @Option(names = "--image", paramLabel = "IMAGE", description = "Node image URI (required for submit: the flag, MPI_BATCH_IMAGE "
            + "or image= in the config file).")
    String image;

    @Option(names = "--bucket", paramLabel = "BUCKET", description = "S3 bucket for plans, files and rendezvous "
            + "(required: the flag, MPI_BATCH_BUCKET or bucket= in the config file).")
    String bucket;

    @Option(names = "--prefix", paramLabel = "PREFIX", defaultValue = "mpi-batch", description = "Key prefix in the bucket (default: ${DEFAULT-VALUE}).")
    String prefix;

    @Option(names = "--job-role-arn", paramLabel = "ARN", description = "IAM role of the containers (the stack's "
            + "JobRoleArn; 'mpi-batch configure --stack' writes it; default: none, and submit refuses without one).")
    String jobRoleArn;

    @Option(names = "--use-instance-role", description = "Submit without a job role: the compute environment's "
            + "instance role must reach the bucket (default: off).")
    boolean useInstanceRole;

    @Option(names = "--vcpus", paramLabel = "N", description = "vCPUs per node (default: all of --instance-type's).")
    Integer vcpus;

    @Option(names = "--memory", paramLabel = "MiB", description = "Memory per node in MiB (default: --instance-type's "
            + "usable memory, 90% of it).")
    Integer memory;

    @Option(names = "--shm-size", paramLabel = "MiB", description = "Size of /dev/shm on every node (default: half "
            + "the memory per node).")
    Integer shmSize;

    @Option(names = "--gpus", paramLabel = "N", defaultValue = "0", description = "GPUs per node (default: ${DEFAULT-VALUE}).")
    int gpus;

    @Option(names = "--efa", description = "Attach the EFA device and lift the memlock limit (default: "
            + "off).")
    boolean efa;

    @Option(names = "--instance-type", paramLabel = "TYPE", description = "Instance type for the nodes; a known one sets vCPUs "
            + "and memory (default: none, any type the compute environment allows).")
    String instanceType;

    @Option(names = "--retry-attempts", paramLabel = "N", defaultValue = "1", description = "Batch attempts, 1 to 10 (default: ${DEFAULT-VALUE}).")
    int retryAttempts;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    Duration timeout;

    @Option(names = "--timeout", paramLabel = "DURATION", description = "Attempt timeout (e.g. 2h), at least 60s (default: "
            + "none, Batch's).")
    void timeout(String text) {
        timeout = text == null ? null : OptionChecks.duration(mixee, "--timeout", text);
    }

    @Option(names = "--share-identifier", paramLabel = "ID", description = "Fair-share identifier, for queues with a fair-share "
            + "policy (default: none).")
    String shareIdentifier;

    @Option(names = "--log-group", paramLabel = "GROUP", defaultValue = "/aws/batch/job",
            description = "CloudWatch Logs group of the containers (default: ${DEFAULT-VALUE}, Batch's own).")
    String logGroup;

    @Option(names = "--tag", paramLabel = "KEY=VALUE", description = "Tag for the job and its definition (repeatable; "
            + "default: none).")
    Map<String, String> tags = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "A variable for every step and every rank on "
            + "every node, over the job file's env; the containers get it too (repeatable; default: none).")
    Map<String, String> environment = new LinkedHashMap<>();

    LauncherSettings settings() {
        return settings(true);
    }

    /** The settings; without {@code needImage} (checks that start nothing) a missing image is no error. */
    LauncherSettings settings(boolean needImage) {
        LauncherSettings.Builder builder = LauncherSettings.builder()
                .queue(required(queue, "--queue", "MPI_BATCH_QUEUE"))
                .image(image == null ? (needImage ? "" : "-") : image)
                .bucket(required(bucket, "--bucket", "MPI_BATCH_BUCKET"))
                .prefix(prefix).jobRoleArn(jobRoleArn == null || jobRoleArn.isBlank() ? null : jobRoleArn).vcpus(vcpus).memoryMiB(memory).gpus(gpus).efa(efa)
                .instanceType(instanceType).retryAttempts(retryAttempts).shareIdentifier(shareIdentifier)
                .tags(tags).environment(environment).logGroup(logGroup)
                .sharedMemoryMiB(shmSize).useInstanceRole(useInstanceRole);
        if (timeout != null) {
            builder.attemptTimeout(timeout);
        }
        return builder.build();
    }

    private static String required(String value, String flag, String env) {
        if (value == null || value.isBlank()) {
            throw new dev.mpibatch.launcher.InvalidInputException(flag.substring(2), flag + " is required: pass it, set "
                    + env + ", or put '" + flag.substring(2) + "=...' in ~/.mpi-batch/config ('mpi-batch configure "
                    + "--stack NAME' writes it)");
        }
        return value;
    }
}

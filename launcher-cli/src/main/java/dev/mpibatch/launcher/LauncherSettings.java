package dev.mpibatch.launcher;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where and how jobs run on AWS Batch. Immutable; build with {@link #builder()}.
 *
 * @param queue           the job queue
 * @param image           the node image (see the README's "The node image")
 * @param bucket          the bucket for plans, staged files and the rendezvous
 * @param prefix          the key prefix in the bucket
 * @param jobRoleArn      the role the containers run with (S3 access to the prefix)
 * @param vcpus           vCPUs per node
 * @param memoryMiB       memory per node
 * @param gpus            GPUs per node (0 for none)
 * @param efa             attach the EFA device and lift the memlock limit
 * @param instanceType    pin the nodes' instance type
 * @param retryAttempts   Batch attempts (1 to 10)
 * @param attemptTimeout  the longest one attempt may run
 * @param shareIdentifier the fair-share identifier, for queues with a scheduling policy
 * @param tags            tags on the job and the job definition
 * @param environment     extra environment for every node
 * @param logGroup        the CloudWatch Logs group of the containers ({@value #DEFAULT_LOG_GROUP} is Batch's own)
 */
public record LauncherSettings(String queue, String image, String bucket, String prefix, Optional<String> jobRoleArn,
                               int vcpus, int memoryMiB, int gpus, boolean efa, Optional<String> instanceType,
                               int retryAttempts, Optional<Duration> attemptTimeout, Optional<String> shareIdentifier,
                               Map<String, String> tags, Map<String, String> environment, String logGroup) {

    public static final String DEFAULT_LOG_GROUP = "/aws/batch/job";

    public LauncherSettings {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(logGroup, "logGroup");
        tags = Map.copyOf(tags);
        environment = Map.copyOf(environment);
        check(!queue.isBlank(), "the job queue is not set: pass --queue (or set MPI_BATCH_QUEUE); "
                + "'aws batch describe-job-queues' lists them");
        check(!image.isBlank(), "the image is empty: pass --image with the node image's URI "
                + "(README: The node image)");
        check(bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "bucket '" + bucket + "' is not a valid S3 bucket "
                + "name: pass --bucket (or set MPI_BATCH_BUCKET)");
        check(vcpus >= 1, "--vcpus " + vcpus + ": vCPUs per node must be at least 1");
        check(memoryMiB >= 4, "--memory " + memoryMiB + ": memory per node must be at least 4 MiB");
        check(gpus >= 0, "--gpus " + gpus + ": GPUs per node must not be negative");
        check(retryAttempts >= 1 && retryAttempts <= 10, "--retry-attempts " + retryAttempts + ": Batch allows 1 to 10 attempts");
        check(attemptTimeout.map(t -> t.toSeconds() >= 60).orElse(true), "--timeout " + attemptTimeout.map(dev.mpibatch.plan.DurationText::format).orElse("") + ": Batch's attempt timeout must be at least 60s");
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.queue = queue;
        b.image = image;
        b.bucket = bucket;
        b.prefix = prefix;
        b.jobRoleArn = jobRoleArn.orElse(null);
        b.vcpus = vcpus;
        b.memoryMiB = memoryMiB;
        b.gpus = gpus;
        b.efa = efa;
        b.instanceType = instanceType.orElse(null);
        b.retryAttempts = retryAttempts;
        b.attemptTimeout = attemptTimeout.orElse(null);
        b.shareIdentifier = shareIdentifier.orElse(null);
        b.tags = tags;
        b.environment = environment;
        b.logGroup = logGroup;
        return b;
    }

    /** Builds {@link LauncherSettings}; defaults: prefix {@code mpi-batch}, 1 vCPU, 2048 MiB, no GPU, 1 attempt. */
    public static final class Builder {
        private String queue = "";
        private String image = "";
        private String bucket = "";
        private String prefix = "mpi-batch";
        private String jobRoleArn;
        private int vcpus = 1;
        private int memoryMiB = 2048;
        private int gpus;
        private boolean efa;
        private String instanceType;
        private int retryAttempts = 1;
        private Duration attemptTimeout;
        private String shareIdentifier;
        private Map<String, String> tags = Map.of();
        private Map<String, String> environment = Map.of();
        private String logGroup = DEFAULT_LOG_GROUP;

        public Builder queue(String value) { queue = value; return this; }
        public Builder image(String value) { image = value; return this; }
        public Builder bucket(String value) { bucket = value; return this; }
        public Builder prefix(String value) { prefix = value; return this; }
        public Builder jobRoleArn(String value) { jobRoleArn = value; return this; }
        public Builder vcpus(int value) { vcpus = value; return this; }
        public Builder memoryMiB(int value) { memoryMiB = value; return this; }
        public Builder gpus(int value) { gpus = value; return this; }
        public Builder efa(boolean value) { efa = value; return this; }
        public Builder instanceType(String value) { instanceType = value; return this; }
        public Builder retryAttempts(int value) { retryAttempts = value; return this; }
        public Builder attemptTimeout(Duration value) { attemptTimeout = value; return this; }
        public Builder shareIdentifier(String value) { shareIdentifier = value; return this; }
        public Builder tags(Map<String, String> value) { tags = value; return this; }
        public Builder environment(Map<String, String> value) { environment = value; return this; }
        public Builder logGroup(String value) { logGroup = value; return this; }

        public LauncherSettings build() {
            return new LauncherSettings(queue, image, bucket, prefix.replaceAll("^/+|/+$", ""),
                    Optional.ofNullable(jobRoleArn), vcpus, memoryMiB, gpus, efa, Optional.ofNullable(instanceType),
                    retryAttempts, Optional.ofNullable(attemptTimeout), Optional.ofNullable(shareIdentifier), tags,
                    environment, logGroup);
        }
    }
}

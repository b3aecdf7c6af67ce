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
 * @param jobRoleArn      the role the containers run with (S3 access to the prefix); without one a submit is refused
 *                        unless {@code useInstanceRole}
 * @param vcpus           vCPUs per node; 0 when neither given nor known from {@code instanceType} (a submit then
 *                        refuses)
 * @param memoryMiB       memory per node (the container's hard limit); 0 like {@code vcpus}
 * @param gpus            GPUs per node (0 for none)
 * @param efa             attach the EFA device and lift the memlock limit
 * @param instanceType    pin the nodes' instance type
 * @param retryAttempts   Batch attempts (1 to 10)
 * @param attemptTimeout  the longest one attempt may run
 * @param shareIdentifier the fair-share identifier, for queues with a scheduling policy
 * @param tags            tags on the job and the job definition
 * @param environment     variables for every node: the job's {@code env} with these over it reaches every step and
 *                        every rank, and the nodes' containers get them too
 * @param logGroup        the CloudWatch Logs group of the containers ({@value #DEFAULT_LOG_GROUP} is Batch's own)
 * @param region          the region the nodes are told (AWS_REGION); empty: the launcher's S3 client's region
 * @param sharedMemoryMiB the size of every node's {@code /dev/shm}; 0: half of {@code memoryMiB}
 * @param useInstanceRole submit without a job role: the instance role must then reach the bucket
 * @param explainRunnableAfter how long a followed job may stay RUNNABLE before the launcher looks for the reason
 * @param s3Endpoint      the S3 endpoint every node is told ({@code MPI_BATCH_S3_ENDPOINT}) when S3 is not AWS's own
 *                        (an emulator, with {@code --endpoint-url}); empty: AWS's regional endpoint
 */
public record LauncherSettings(String queue, String image, String bucket, String prefix, Optional<String> jobRoleArn,
                               int vcpus, int memoryMiB, int gpus, boolean efa, Optional<String> instanceType,
                               int retryAttempts, Optional<Duration> attemptTimeout, Optional<String> shareIdentifier,
                               Map<String, String> tags, Map<String, String> environment, String logGroup,
                               Optional<String> region, int sharedMemoryMiB, boolean useInstanceRole,
                               Duration explainRunnableAfter, Optional<String> s3Endpoint) {

    public static final String DEFAULT_LOG_GROUP = "/aws/batch/job";
    /** Environment name prefixes the nodes get from Batch ({@code AWS_BATCH_}) or from mpi-batch itself. */
    public static final java.util.List<String> RESERVED_ENVIRONMENT = dev.mpibatch.plan.JobEnvironment.RESERVED_PREFIXES;

    public LauncherSettings {
        Objects.requireNonNull(queue, "queue");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(logGroup, "logGroup");
        tags = Map.copyOf(tags);
        environment = Map.copyOf(environment);
        check("queue", !queue.isBlank(), "the job queue is not set: pass --queue (or set MPI_BATCH_QUEUE); "
                + "'aws batch describe-job-queues' lists them");
        check("image", !image.isBlank(), "the image is empty: pass --image with the node image's URI "
                + "(README: The node image)");
        check("bucket", bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]"), "bucket '" + bucket + "' is not a valid S3 bucket "
                + "name: pass --bucket (or set MPI_BATCH_BUCKET)");
        Objects.requireNonNull(explainRunnableAfter, "explainRunnableAfter");
        Objects.requireNonNull(s3Endpoint, "s3Endpoint");
        check(vcpus >= 0, "--vcpus " + vcpus + ": vCPUs per node must be at least 1");
        check(memoryMiB == 0 || memoryMiB >= 4, "--memory " + memoryMiB + ": memory per node must be at least 4 MiB");
        check(sharedMemoryMiB >= 0 && (memoryMiB == 0 || sharedMemoryMiB <= memoryMiB), "--shm-size "
                + sharedMemoryMiB + ": /dev/shm must be between 1 MiB and the node's memory (" + memoryMiB + " MiB)");
        // The job file's env and --env follow one set of rules (JobEnvironment): the same names are refused.
        environment.forEach((name, value) -> {
            dev.mpibatch.plan.JobEnvironment.nameProblem(name).ifPresent(problem -> check(false, "--env " + name
                    + ": " + problem));
            dev.mpibatch.plan.JobEnvironment.valueProblem(value).ifPresent(problem -> check(false, "--env " + name
                    + ": " + problem));
        });
        for (String key : tags.keySet()) {
            check(!key.regionMatches(true, 0, "aws:", 0, 4), "--tag " + key + ": tag keys starting with 'aws:' "
                    + "are reserved by AWS; pick another key");
        }
        check(gpus >= 0, "--gpus " + gpus + ": GPUs per node must not be negative");
        check(retryAttempts >= 1 && retryAttempts <= 10, "--retry-attempts " + retryAttempts + ": Batch allows 1 to 10 attempts");
        check(attemptTimeout.map(t -> t.toSeconds() >= 60).orElse(true), "--timeout " + attemptTimeout.map(dev.mpibatch.plan.DurationText::format).orElse("") + ": Batch's attempt timeout must be at least 60s");
    }

    /** {@code /dev/shm} of every node: as given, or half of the node's memory (the Linux default for a tmpfs). */
    public int effectiveSharedMemoryMiB() {
        return sharedMemoryMiB > 0 ? sharedMemoryMiB : Math.max(1, memoryMiB / 2);
    }

    /** A check of a setting whose message starts with its option ({@code --vcpus 0: ...}). */
    private static void check(boolean ok, String message) {
        if (!ok) {
            java.util.regex.Matcher option = java.util.regex.Pattern.compile("^--([a-z-]+)").matcher(message);
            throw new InvalidInputException(option.find() ? option.group(1) : null, message);
        }
    }

    private static void check(String setting, boolean ok, String message) {
        if (!ok) {
            throw new InvalidInputException(setting, message);
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
        b.vcpus = vcpus == 0 ? null : vcpus;
        b.memoryMiB = memoryMiB == 0 ? null : memoryMiB;
        b.sharedMemoryMiB = sharedMemoryMiB == 0 ? null : sharedMemoryMiB;
        b.region = region.orElse(null);
        b.useInstanceRole = useInstanceRole;
        b.explainRunnableAfter = explainRunnableAfter;
        b.gpus = gpus;
        b.efa = efa;
        b.instanceType = instanceType.orElse(null);
        b.retryAttempts = retryAttempts;
        b.attemptTimeout = attemptTimeout.orElse(null);
        b.shareIdentifier = shareIdentifier.orElse(null);
        b.tags = tags;
        b.environment = environment;
        b.logGroup = logGroup;
        b.s3Endpoint = s3Endpoint.orElse(null);
        return b;
    }

    /**
     * Builds {@link LauncherSettings}. Defaults: prefix {@code mpi-batch}; vCPUs and memory those of the instance type
     * when {@link InstanceSizes} knows it (all its vCPUs, its usable memory), else not set; {@code /dev/shm} half of
     * the memory; no GPU; 1 attempt; explain a RUNNABLE job after 5 minutes.
     */
    public static final class Builder {
        private String queue = "";
        private String image = "";
        private String bucket = "";
        private String prefix = "mpi-batch";
        private String jobRoleArn;
        private Integer vcpus;
        private Integer memoryMiB;
        private Integer sharedMemoryMiB;
        private String region;
        private boolean useInstanceRole;
        private Duration explainRunnableAfter = Duration.ofMinutes(5);
        private int gpus;
        private boolean efa;
        private String instanceType;
        private int retryAttempts = 1;
        private Duration attemptTimeout;
        private String shareIdentifier;
        private Map<String, String> tags = Map.of();
        private Map<String, String> environment = Map.of();
        private String logGroup = DEFAULT_LOG_GROUP;
        private String s3Endpoint;

        public Builder queue(String value) { queue = value; return this; }
        public Builder image(String value) { image = value; return this; }
        public Builder bucket(String value) { bucket = value; return this; }
        public Builder prefix(String value) { prefix = value; return this; }
        public Builder jobRoleArn(String value) { jobRoleArn = value; return this; }
        /** vCPUs per node; {@code null} derives them from the instance type. */
        public Builder vcpus(Integer value) { vcpus = value; return this; }
        /** Memory per node in MiB; {@code null} derives it from the instance type. */
        public Builder memoryMiB(Integer value) { memoryMiB = value; return this; }
        public Builder gpus(int value) { gpus = value; return this; }
        public Builder efa(boolean value) { efa = value; return this; }
        public Builder instanceType(String value) { instanceType = value; return this; }
        public Builder retryAttempts(int value) { retryAttempts = value; return this; }
        public Builder attemptTimeout(Duration value) { attemptTimeout = value; return this; }
        public Builder shareIdentifier(String value) { shareIdentifier = value; return this; }
        public Builder tags(Map<String, String> value) { tags = value; return this; }
        public Builder environment(Map<String, String> value) { environment = value; return this; }
        public Builder logGroup(String value) { logGroup = value; return this; }
        public Builder sharedMemoryMiB(Integer value) { sharedMemoryMiB = value; return this; }
        public Builder region(String value) { region = value; return this; }
        public Builder useInstanceRole(boolean value) { useInstanceRole = value; return this; }
        public Builder explainRunnableAfter(Duration value) { explainRunnableAfter = value; return this; }
        /** The S3 endpoint the nodes use, when not AWS's (an emulator); {@code null} for AWS's. */
        public Builder s3Endpoint(String value) { s3Endpoint = value; return this; }

        public LauncherSettings build() {
            if (vcpus != null && vcpus < 1) {
                throw new InvalidInputException("vcpus", "--vcpus " + vcpus + ": vCPUs per node must be at least 1");
            }
            if (sharedMemoryMiB != null && sharedMemoryMiB < 1) {
                throw new InvalidInputException("shm-size", "--shm-size " + sharedMemoryMiB + ": /dev/shm needs at least 1 MiB");
            }
            Optional<InstanceSizes.Size> size = Optional.ofNullable(instanceType).flatMap(InstanceSizes::of);
            int v = vcpus != null ? vcpus : size.map(InstanceSizes.Size::vcpus).orElse(0);
            int m = memoryMiB != null ? memoryMiB : size.map(InstanceSizes.Size::usableMemoryMiB).orElse(0);
            return new LauncherSettings(queue, image, bucket, prefix.replaceAll("^/+|/+$", ""),
                    Optional.ofNullable(jobRoleArn), v, m, gpus, efa, Optional.ofNullable(instanceType),
                    retryAttempts, Optional.ofNullable(attemptTimeout), Optional.ofNullable(shareIdentifier), tags,
                    environment, logGroup, Optional.ofNullable(region), sharedMemoryMiB == null ? 0 : sharedMemoryMiB,
                    useInstanceRole, explainRunnableAfter, Optional.ofNullable(s3Endpoint));
        }
    }
}

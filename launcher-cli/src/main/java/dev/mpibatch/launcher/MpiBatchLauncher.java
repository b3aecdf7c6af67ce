package dev.mpibatch.launcher;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.launcher.aws.BatchJobHandle;
import dev.mpibatch.launcher.aws.JobDefinitions;
import dev.mpibatch.launcher.aws.NodeJobs;
import dev.mpibatch.launcher.aws.SdkJson;
import dev.mpibatch.launcher.aws.Staging;
import dev.mpibatch.launcher.aws.StartChecks;
import dev.mpibatch.launcher.aws.SubmitRequests;
import dev.mpibatch.plan.JobSpec;
import dev.mpibatch.plan.JobSpecValidator;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.batch.model.JobSummary;
import software.amazon.awssdk.services.batch.model.SubmitJobRequest;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Submits MPI jobs to AWS Batch as multi-node parallel jobs and follows them. Built from the AWS clients you give it,
 * so credentials, region and endpoints are yours to choose.
 *
 * <pre>{@code
 * LauncherSettings settings = LauncherSettings.builder().queue("mpi").image(image).bucket("my-bucket")
 *         .jobRoleArn(jobRole).vcpus(64).memoryMiB(120_000).build();
 * try (MpiBatchLauncher launcher = new MpiBatchLauncher(batch, s3, logs, settings)) {
 *     JobHandle job = launcher.submit(PlanParser.parse(jobFile), jobFile.getParent());
 *     JobResult result = job.completion().join();
 * }
 * }</pre>
 */
public final class MpiBatchLauncher implements AutoCloseable {
    /** SubmitJob requests are limited to 30 KiB. */
    public static final int MAX_SUBMIT_BYTES = 30 * 1024;
    /** Runs a submit's uploads beside its Batch requests; daemon threads never keep an embedding JVM alive. */
    private static final Executor SUBMIT_THREADS = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "mpi-batch-submit");
        thread.setDaemon(true);
        return thread;
    });

    private final BatchClient batch;
    private final S3Client s3;
    private final CloudWatchLogsClient logs;
    private final LauncherSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Duration pollInterval;

    public MpiBatchLauncher(BatchClient batch, S3Client s3, CloudWatchLogsClient logs, LauncherSettings settings) {
        this(batch, s3, logs, settings, Clock.systemUTC(), Sleeper.system(), Duration.ofSeconds(5));
    }

    /** With an injected clock, sleeper and poll interval (tests). */
    public MpiBatchLauncher(BatchClient batch, S3Client s3, CloudWatchLogsClient logs, LauncherSettings settings,
                            Clock clock, Sleeper sleeper, Duration pollInterval) {
        this.batch = Objects.requireNonNull(batch, "batch");
        this.s3 = Objects.requireNonNull(s3, "s3");
        this.logs = Objects.requireNonNull(logs, "logs");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = clock;
        this.sleeper = sleeper;
        this.pollInterval = pollInterval;
    }

    /** What {@link #submit} would send, without calling AWS; throws for input that AWS would refuse. */
    public Submission plan(JobSpec spec, Path jobDir) {
        JobSpec job = forSettings(spec);
        return plan(job, jobDir, Staging.forJob(settings.bucket(), settings.prefix(), job, clock));
    }

    /** The job as it runs with these settings: their environment over the job file's {@code env}. */
    private JobSpec forSettings(JobSpec spec) {
        return spec.withEnv(settings.environment());
    }

    private Submission plan(JobSpec spec, Path jobDir, Staging staging) {
        JobSpecValidator.checkFiles(spec, jobDir);
        var definition = JobDefinitions.request(spec, settings);
        int definitionBytes = SdkJson.write(SdkJson.toJson(definition)).getBytes(StandardCharsets.UTF_8).length;
        if (definitionBytes > JobDefinitions.MAX_BYTES) {
            throw new InvalidInputException("the job definition would be " + definitionBytes + " bytes, over Batch's "
                    + JobDefinitions.MAX_BYTES + ": use fewer or shorter tags");
        }
        // Nodes are told their region: without it the agent asks instance metadata, and where that fails it would
        // read the bucket in the SDK's fallback region.
        String region = settings.region().orElseGet(() -> s3.serviceClientConfiguration().region().id());
        SubmitJobRequest submit = SubmitRequests.request(spec, definition.jobDefinitionName(), staging, settings, region);
        int submitBytes = SdkJson.write(SdkJson.toJson(submit)).getBytes(StandardCharsets.UTF_8).length;
        if (submitBytes > MAX_SUBMIT_BYTES) {
            throw new InvalidInputException("the SubmitJob request would be " + submitBytes + " bytes, over Batch's "
                    + MAX_SUBMIT_BYTES + ": pass less environment or fewer tags (the plan itself goes to S3)");
        }
        return new Submission(definition, submit, staging.keys(spec), StartChecks.offline(settings));
    }

    /**
     * Registers (or reuses) the job definition, stages the plan and files in S3, and submits the job.
     *
     * @throws dev.mpibatch.plan.PlanException when a file of the job is missing or lies outside {@code jobDir},
     *                                         before any AWS request
     * @throws IllegalArgumentException for other bad input (e.g. requests over Batch's size limits), before any AWS
     *                                  request
     * @throws LauncherException        when AWS refuses, or when the job could never start (see {@link #check});
     *                                  nothing staged is left behind
     */
    public JobHandle submit(JobSpec jobSpec, Path jobDir) {
        JobSpec spec = forSettings(jobSpec);
        Staging staging = Staging.forJob(settings.bucket(), settings.prefix(), spec, clock);
        Submission submission = plan(spec, jobDir, staging);
        if (!submission.problems().isEmpty()) {
            throw new InvalidInputException(String.join("\n", submission.problems()));
        }
        // Staging and looking up an identical definition do not depend on each other or on the queue: they run while
        // the queue is checked. Registering a new definition waits for the queue check, so that an unknown queue
        // registers nothing. Whichever part fails, nothing staged remains.
        var definition = submission.definition();
        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> aws(() -> staging.upload(s3, spec, jobDir),
                "upload the plan to s3://" + settings.bucket() + "/" + staging.key()), SUBMIT_THREADS);
        CompletableFuture<java.util.Optional<String>> identical = CompletableFuture.supplyAsync(() -> aws(
                () -> JobDefinitions.findIdentical(batch, definition),
                "look up the job definition " + definition.jobDefinitionName()), SUBMIT_THREADS);
        String definitionArn;
        try {
            aws(() -> checkStart(spec.nodes()), "check the job queue " + settings.queue());
            definitionArn = identical.join().orElseGet(() -> aws(() -> batch.registerJobDefinition(definition)
                    .jobDefinitionArn(), "register the job definition " + definition.jobDefinitionName()));
            upload.join();
        } catch (RuntimeException e) {
            awaitQuietly(identical);
            awaitQuietly(upload);
            // Only a completed upload left objects (a failed one removed its own): delete them by key, no listing.
            if (!upload.isCompletedExceptionally()) {
                deleteStaged(staging, spec);
            }
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException cause ? cause : e;
        }
        try {
            String jobId = batch.submitJob(submission.submit().toBuilder().jobDefinition(definitionArn).build()).jobId();
            BatchJobHandle handle = follow(jobId, () -> check(spec.nodes()));
            // A followed job's staged plan and files go once it has ended (no attempt can need them any more); an
            // unfollowed one's are expired by the bucket's lifecycle rule.
            handle.onEnd(() -> deleteStaged(staging, spec));
            return handle;
        } catch (SdkException e) {
            deleteStaged(staging, spec);
            throw new LauncherException("cannot submit to job queue " + settings.queue() + ": " + e.getMessage(), e);
        }
    }

    /** A handle on a job submitted earlier. */
    public JobHandle attach(String jobId) {
        return new BatchJobHandle(batch, logs, jobId, settings.logGroup(), sleeper, pollInterval);
    }

    /**
     * A handle on a job of {@code nodes} nodes submitted earlier with these settings: when it stays RUNNABLE longer
     * than {@link LauncherSettings#explainRunnableAfter()}, its listeners hear what {@link #check} finds.
     */
    public JobHandle attach(String jobId, int nodes) {
        return follow(jobId, () -> check(nodes));
    }

    private BatchJobHandle follow(String jobId, java.util.function.Supplier<List<String>> explain) {
        return new BatchJobHandle(batch, logs, jobId, settings.logGroup(), sleeper, pollInterval, clock,
                settings.explainRunnableAfter(), () -> {
                    try {
                        return explain.get();
                    } catch (RuntimeException e) {
                        return List.of("the start checks could not run: " + e.getMessage());
                    }
                });
    }

    /**
     * What would keep a job of {@code nodes} nodes with these settings from ever starting: no job role, a missing or
     * disabled queue or compute environment, too few vCPUs, an instance type the environment does not allow, a
     * share identifier the queue does not take. Empty when none is found.
     *
     * @throws LauncherException when Batch cannot be asked
     */
    public List<String> check(int nodes) {
        return aws(() -> StartChecks.all(batch, settings, nodes), "check the job queue " + settings.queue());
    }

    /** Hands every log line the job's nodes have written so far to {@code listener}, in time order, then returns. */
    public void logs(String jobId, JobHandle.Listener listener) {
        aws(() -> {
            new BatchJobHandle(batch, logs, jobId, settings.logGroup(), sleeper, pollInterval).readLogsOnce(listener);
            return null;
        }, "read the logs of job " + jobId);
    }

    /**
     * Whether the CloudWatch Logs group of these settings exists. Batch makes its default group when the first
     * container of an account logs, so a missing group before a job started is no error; after, it is the wrong group.
     *
     * @throws LauncherException when CloudWatch Logs cannot be asked
     */
    public boolean logGroupExists() {
        String group = settings.logGroup();
        return aws(() -> {
            // The prefix of the name, then an exact match: DescribeLogGroups has no exact-name filter.
            String token = null;
            do {
                String page = token;
                var response = logs.describeLogGroups(b -> b.logGroupNamePrefix(group).nextToken(page));
                if (response.logGroups().stream().anyMatch(g -> group.equals(g.logGroupName()))) {
                    return true;
                }
                token = response.nextToken();
            } while (token != null);
            return false;
        }, "look up the log group " + group);
    }

    /** The job and its nodes, as Batch describes them. */
    public JobStatus status(String jobId) {
        List<JobDetail> jobs = aws(() -> batch.describeJobs(b -> b.jobs(jobId)).jobs(), "describe job " + jobId);
        if (jobs.isEmpty()) {
            throw new JobNotFoundException(jobId, batch.serviceClientConfiguration().region().id());
        }
        List<JobDetail> nodes = aws(() -> NodeJobs.describe(batch, jobs.get(0)), "describe the nodes of job " + jobId);
        return new JobStatus(jobs.get(0), nodes);
    }

    /** Jobs in the queue, newest first; {@code status} empty for every status. */
    public List<JobSummary> list(String queue, java.util.Optional<String> status) {
        List<String> statuses = status.map(List::of).orElse(
                List.of("SUBMITTED", "PENDING", "RUNNABLE", "STARTING", "RUNNING", "SUCCEEDED", "FAILED"));
        List<JobSummary> jobs = new ArrayList<>();
        for (String s : statuses) {
            // Batch answers 100 jobs a page; the rest follow by nextToken.
            String token = null;
            do {
                String page = token;
                var response = aws(() -> batch.listJobs(b -> b.jobQueue(queue).jobStatus(s).nextToken(page)),
                        "list jobs in queue " + queue);
                jobs.addAll(response.jobSummaryList());
                token = response.nextToken();
            } while (token != null);
        }
        jobs.sort((a, b) -> Long.compare(b.createdAt() == null ? 0 : b.createdAt(), a.createdAt() == null ? 0 : a.createdAt()));
        return jobs;
    }

    /** Stops a job whatever its state; returns false when it had ended already. */
    public boolean cancel(String jobId, String reason) {
        JobStatus status = status(jobId);
        if (JobState.fromBatch(status.job().statusAsString()).isFinal()) {
            return false;
        }
        aws(() -> {
            batch.terminateJob(b -> b.jobId(jobId).reason(reason));
            return null;
        }, "terminate job " + jobId);
        return true;
    }

    public LauncherSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        batch.close();
        s3.close();
        logs.close();
    }

    private void deleteStaged(Staging staging, JobSpec spec) {
        try {
            staging.deleteUploaded(s3, spec);
        } catch (SdkException e) {
            // keep the submit's own error; the bucket's lifecycle rule expires what could not be deleted
        }
    }

    private static void awaitQuietly(CompletableFuture<?> work) {
        try {
            work.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // its own failure is not the one to report: the first one is
        }
    }

    private void checkStart(int nodes) {
        StartChecks.summary(StartChecks.all(batch, settings, nodes)).ifPresent(message -> {
            throw new LauncherException(message);
        });
    }

    private static <T> T aws(java.util.function.Supplier<T> call, String what) {
        try {
            return call.get();
        } catch (SdkException e) {
            throw new LauncherException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    private static void aws(Runnable call, String what) {
        aws(() -> {
            call.run();
            return null;
        }, what);
    }

    /** Environment of a submission, for tests and --dry-run readers. */
    public static Map<String, String> environmentOf(SubmitJobRequest submit) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        submit.nodeOverrides().nodePropertyOverrides().forEach(o -> o.containerOverrides().environment()
                .forEach(p -> env.put(p.name(), p.value())));
        return env;
    }
}

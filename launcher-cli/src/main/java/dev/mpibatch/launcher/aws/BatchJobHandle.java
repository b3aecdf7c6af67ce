package dev.mpibatch.launcher.aws;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import dev.mpibatch.agent.rendezvous.Sleeper;
import dev.mpibatch.launcher.JobHandle;
import dev.mpibatch.launcher.JobResult;
import dev.mpibatch.launcher.JobState;
import software.amazon.awssdk.services.batch.BatchClient;
import software.amazon.awssdk.services.batch.model.AttemptDetail;
import software.amazon.awssdk.services.batch.model.JobDetail;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * Follows a multi-node job: its state, its nodes ({@code jobId#N}) and every node's log stream, interleaved by time.
 */
public final class BatchJobHandle implements JobHandle {

    private final BatchClient batch;
    private final CloudWatchLogsClient logs;
    private final String jobId;
    private final String logGroup;
    private final Sleeper sleeper;
    private final Duration interval;
    private final AtomicReference<JobState> state = new AtomicReference<>(JobState.SUBMITTED);
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final CompletableFuture<JobResult> completion = new CompletableFuture<>();
    private final AtomicBoolean following = new AtomicBoolean();
    private volatile boolean stopped;
    private volatile Thread follower;
    private final Map<Integer, LogTail> tails = new HashMap<>();
    private final Clock clock;
    private final Duration explainAfter;
    private final Supplier<List<String>> explain;
    private volatile Runnable onEnd = () -> { };
    private int lastRunning = -1;
    private int lastTotal = -1;
    private Instant runnableSince;
    private boolean explained;

    public BatchJobHandle(BatchClient batch, CloudWatchLogsClient logs, String jobId, String logGroup, Sleeper sleeper,
                          Duration interval) {
        this(batch, logs, jobId, logGroup, sleeper, interval, Clock.systemUTC(), Duration.ZERO, null);
    }

    /**
     * A handle that, once the job has been RUNNABLE for {@code explainAfter} (by {@code clock}), asks
     * {@code explain} why it cannot start and tells the listeners ({@link Listener#stillWaiting}); a null
     * {@code explain} never asks.
     */
    public BatchJobHandle(BatchClient batch, CloudWatchLogsClient logs, String jobId, String logGroup, Sleeper sleeper,
                          Duration interval, Clock clock, Duration explainAfter, Supplier<List<String>> explain) {
        this.logGroup = logGroup;
        this.batch = batch;
        this.logs = logs;
        this.jobId = jobId;
        this.sleeper = sleeper;
        this.interval = interval;
        this.clock = clock;
        this.explainAfter = explainAfter;
        this.explain = explain;
    }

    @Override
    public String jobId() {
        return jobId;
    }

    @Override
    public JobState state() {
        return state.get();
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
        follow();
    }

    @Override
    public CompletableFuture<JobResult> completion() {
        follow();
        return completion;
    }

    @Override
    public void cancel(String reason) {
        batch.terminateJob(b -> b.jobId(jobId).reason(reason));
    }

    /**
     * Runs {@code cleanUp} once the followed job has ended (after its last log lines, before {@link #completion()}
     * completes): the launcher deletes the job's staged plan and files there.
     */
    public void onEnd(Runnable cleanUp) {
        onEnd = java.util.Objects.requireNonNull(cleanUp, "cleanUp");
    }

    /** Reads every node's log once, synchronously, for {@code listener} only (no following). */
    public void readLogsOnce(Listener listener) {
        listeners.add(listener);
        try {
            JobDetail job = describe(jobId);
            drainLogs(job, NodeJobs.describe(batch, job));
        } finally {
            listeners.remove(listener);
        }
    }

    @Override
    public void stopFollowing() {
        stopped = true;
        following.set(true);
        Thread thread = follower;
        if (thread != null) {
            thread.interrupt();
        }
        completion.cancel(false);
    }

    private void follow() {
        if (following.compareAndSet(false, true)) {
            Thread thread = new Thread(this::loop, "follow-" + jobId);
            thread.setDaemon(true);
            follower = thread;
            thread.start();
        }
    }

    private void loop() {
        try {
            while (!stopped) {
                JobDetail job = describe(jobId);
                JobState now = JobState.fromBatch(job.statusAsString());
                List<JobDetail> nodeJobs = NodeJobs.describe(batch, job);
                nodes(job, nodeJobs);
                drainLogs(job, nodeJobs);
                if (now.isFinal()) {
                    drainLogs(job, NodeJobs.describe(batch, job));
                    moveTo(now);
                    safely(onEnd);
                    completion.complete(new JobResult(jobId, now, exitCode(job),
                            job.statusReason() == null ? "" : job.statusReason()));
                    return;
                }
                moveTo(now);
                explainIfStuck(now);
                sleeper.sleep(interval);
            }
        } catch (InterruptedException e) {
            if (stopped) {
                return;
            }
            Thread.currentThread().interrupt();
            completion.completeExceptionally(e);
        } catch (RuntimeException e) {
            completion.completeExceptionally(e);
        }
    }

    /** A final state is never left (compare-and-set), and listeners hear each change once. */
    private void moveTo(JobState next) {
        JobState previous = state.get();
        if (previous == next || previous.isFinal() || !state.compareAndSet(previous, next)) {
            return;
        }
        listeners.forEach(l -> safely(() -> l.stateChanged(this, next)));
    }

    /** Once per stretch in RUNNABLE longer than {@code explainAfter}: what the checks find, told to listeners. */
    private void explainIfStuck(JobState now) {
        if (now != JobState.RUNNABLE) {
            runnableSince = null;
            explained = false;
            return;
        }
        Instant at = clock.instant();
        if (runnableSince == null) {
            runnableSince = at;
        }
        Duration waited = Duration.between(runnableSince, at);
        if (explain == null || explained || waited.compareTo(explainAfter) < 0) {
            return;
        }
        explained = true;
        List<String> reasons = explain.get();
        listeners.forEach(l -> safely(() -> l.stillWaiting(this, now, waited, reasons)));
    }

    private void nodes(JobDetail job, List<JobDetail> nodeJobs) {
        int total = Math.max(1, NodeJobs.numNodes(job));
        int running = 0;
        for (JobDetail node : nodeJobs) {
            if ("RUNNING".equals(node.statusAsString())) {
                running++;
            }
        }
        if (running != lastRunning || total != lastTotal) {
            lastRunning = running;
            lastTotal = total;
            int r = running;
            listeners.forEach(l -> safely(() -> l.nodesChanged(this, r, total)));
        }
    }

    /** Finds each node's log stream once, then reads every stream and hands the lines on in time order. */
    private void drainLogs(JobDetail job, List<JobDetail> nodeJobs) {
        for (JobDetail child : nodeJobs) {
            int node = nodeIndex(child.jobId());
            if (node >= 0 && !tails.containsKey(node)) {
                String stream = logStream(child);
                if (stream != null) {
                    tails.put(node, new LogTail(logs, logGroup, stream, node));
                }
            }
        }
        if (!tails.containsKey(0)) {
            // Without per-node jobs (as some emulators do), the job's own stream is the main node's.
            String stream = logStream(job);
            if (stream != null) {
                tails.put(0, new LogTail(logs, logGroup, stream, 0));
            }
        }
        List<LogTail.Line> lines = new ArrayList<>();
        tails.values().forEach(t -> lines.addAll(t.poll()));
        lines.sort(Comparator.comparingLong(LogTail.Line::timestamp).thenComparingInt(LogTail.Line::node));
        for (LogTail.Line line : lines) {
            LogTail.Line labelled = rankLine(line);
            listeners.forEach(l -> safely(() -> l.logLine(this, labelled.node(), labelled.timestamp(), labelled.message())));
        }
    }

    private JobDetail describe(String id) {
        List<JobDetail> jobs = batch.describeJobs(b -> b.jobs(id)).jobs();
        if (jobs.isEmpty()) {
            throw new dev.mpibatch.launcher.JobNotFoundException(id, batch.serviceClientConfiguration().region().id());
        }
        return jobs.get(0);
    }

    /** The log stream of the job's (or a node job's) latest attempt, once it has one; null before. */
    public static String logStream(JobDetail job) {
        List<AttemptDetail> attempts = job.attempts();
        if (!attempts.isEmpty() && attempts.get(attempts.size() - 1).container() != null
                && attempts.get(attempts.size() - 1).container().logStreamName() != null) {
            return attempts.get(attempts.size() - 1).container().logStreamName();
        }
        return job.container() == null ? null : job.container().logStreamName();
    }

    /** The job's (or a node job's) container exit code, once it has one. */
    public static OptionalInt exitCode(JobDetail job) {
        if (job.container() != null && job.container().exitCode() != null) {
            return OptionalInt.of(job.container().exitCode());
        }
        List<AttemptDetail> attempts = job.attempts();
        if (!attempts.isEmpty() && attempts.get(attempts.size() - 1).container() != null
                && attempts.get(attempts.size() - 1).container().exitCode() != null) {
            return OptionalInt.of(attempts.get(attempts.size() - 1).container().exitCode());
        }
        return OptionalInt.empty();
    }

    private static final java.util.regex.Pattern RANK_LABEL = java.util.regex.Pattern.compile("\\[node (\\d{1,4})] ");

    /**
     * The main node's agent prints each MPI rank's line labelled with the node the rank ran on ({@code [node 2] ...},
     * all in the main node's log): such a line is that node's, without the label, so that it is not labelled twice.
     */
    static LogTail.Line rankLine(LogTail.Line line) {
        java.util.regex.Matcher m = RANK_LABEL.matcher(line.message());
        if (line.node() != 0 || !m.lookingAt()) {
            return line;
        }
        return new LogTail.Line(Integer.parseInt(m.group(1)), line.timestamp(), line.message().substring(m.end()));
    }

    /** {@code <jobId>#3} is node 3; -1 for an id without a node index. */
    public static int nodeIndex(String childJobId) {
        int hash = childJobId.lastIndexOf('#');
        try {
            return hash < 0 ? -1 : Integer.parseInt(childJobId.substring(hash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void safely(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            // a listener must not throw; if it does, following goes on
        }
    }
}

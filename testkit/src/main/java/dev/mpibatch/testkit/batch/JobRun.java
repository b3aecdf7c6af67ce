package dev.mpibatch.testkit.batch;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.mpibatch.testkit.batch.NodeRuntime.NodeLaunch;
import dev.mpibatch.testkit.batch.NodeRuntime.NodeStartException;
import dev.mpibatch.testkit.batch.NodeRuntime.RunningNode;

/**
 * Runs one multi-node job as Batch does (user guide, "Job lifecycle for MNP jobs"): SUBMITTED, PENDING, RUNNABLE;
 * then per attempt the main node first (STARTING, RUNNING once its container runs), and once it runs the children, in
 * random order after random delays. "If the main node exits, the job is considered finished and all child nodes are
 * stopped. If a child node dies, AWS Batch does nothing to the other nodes." The job's status and exit code are the
 * main node's; a failed main node gives a new attempt while {@link Retries} allows.
 */
final class JobRun {
    private static final Logger LOG = LoggerFactory.getLogger(JobRun.class);
    /** The reason Batch gives when a job's main container exits (what the console and DescribeJobs show). */
    static final String EXITED = "Essential container in task exited";
    static final String TIMED_OUT = "Job attempt duration exceeded timeout";

    /**
     * What the run needs to know besides the merge.
     *
     * @param definitionName the job definition's name
     * @param queueName      AWS_BATCH_JQ_NAME
     * @param ceName         AWS_BATCH_CE_NAME
     * @param timeoutSeconds attemptDurationSeconds, if set: "applies to the whole job and not to the nodes"
     */
    record Context(String definitionName, String queueName, String ceName, Retries retries, OptionalLong timeoutSeconds) {
    }

    private final JobRecord parent;
    private final List<JobRecord> nodes;
    private final JobMerge merge;
    private final Context context;
    private final NodeRuntime runtime;
    private final Pacing pacing;
    private final Random random;
    private final Map<Integer, RunningNode> running = new ConcurrentHashMap<>();
    private volatile String stopReason;
    private volatile boolean attemptOver;
    private final CountDownLatch done = new CountDownLatch(1);

    JobRun(JobRecord parent, List<JobRecord> nodes, JobMerge merge, Context context, NodeRuntime runtime, Pacing pacing,
           long jobNumber) {
        this.parent = parent;
        this.nodes = List.copyOf(nodes);
        this.merge = merge;
        this.context = context;
        this.runtime = runtime;
        this.pacing = pacing;
        this.random = pacing.random(jobNumber);
    }

    /** Runs the job to its end on a thread of its own. */
    void start() {
        daemon("batch-job-" + parent.jobId(), this::run);
    }

    private static Thread daemon(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Waits until the job has ended and nothing of it runs. */
    boolean awaitEnd(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    /**
     * TerminateJob ({@code byCancel} false) or CancelJob: a job not yet STARTING fails at once, a running one only for
     * TerminateJob ("Jobs that progressed to the STARTING or RUNNING state aren't canceled. However, the API operation
     * still succeeds", API reference, CancelJob), which stops every container.
     */
    void stop(String reason, boolean byCancel) {
        synchronized (parent) {
            Status now = parent.status();
            if (now.isFinal() || (byCancel && !now.cancellable())) {
                return;
            }
            stopReason = reason;
            if (now.cancellable()) {
                parent.markStopped(true);
                finish(Status.FAILED, reason);
                return;
            }
            parent.markStopped(false);
        }
        stopAll();
    }

    private void run() {
        try {
            if (!step(Status.PENDING) || !step(Status.RUNNABLE)) {
                return;
            }
            for (JobRecord node : nodes) {
                node.moveTo(Status.PENDING, null, pacing.now());
                node.moveTo(Status.RUNNABLE, null, pacing.now());
            }
            for (int attempt = 1; ; attempt++) {
                pause();
                Outcome outcome = attempt(attempt);
                if (outcome == null) {
                    return; // stopped before it started
                }
                if (outcome.exitCode != null && outcome.exitCode == 0 && stopReason == null) {
                    finish(Status.SUCCEEDED, EXITED);
                    return;
                }
                String reason = stopReason != null ? stopReason : outcome.reason;
                boolean again = stopReason == null && !outcome.timedOut
                        && context.retries().retry(attempt, outcome.exitCode, outcome.containerReason, reason);
                if (!again || !parent.moveTo(Status.RUNNABLE, null, pacing.now())) {
                    finish(Status.FAILED, reason);
                    return;
                }
                LOG.info("[job={}] attempt {} failed ({}); trying again", parent.jobId(), attempt, reason);
                nodes.forEach(JobRecord::reopen);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopReason = "the emulator was closed";
            stopAll();
            finish(Status.FAILED, stopReason);
        } catch (RuntimeException e) {
            LOG.error("[job={}] the emulator failed running the job", parent.jobId(), e);
            stopAll();
            finish(Status.FAILED, "ServerException: the emulator failed: " + e);
        } finally {
            done.countDown();
        }
    }

    private boolean step(Status next) throws InterruptedException {
        pause();
        return parent.moveTo(next, null, pacing.now());
    }

    private void pause() throws InterruptedException {
        Thread.sleep(pacing.stateDelay().toMillis());
    }

    /** How an attempt's main node ended. */
    private record Outcome(Integer exitCode, String containerReason, String reason, boolean timedOut) {
    }

    private Outcome attempt(int attempt) throws InterruptedException {
        attemptOver = false;
        running.clear();
        parent.beginAttempt();
        nodes.forEach(JobRecord::beginAttempt);
        JobRecord main = nodes.get(merge.mainNode());
        synchronized (parent) {
            if (!parent.moveTo(Status.STARTING, null, pacing.now())) {
                return null;
            }
        }
        RunningNode mainContainer;
        try {
            mainContainer = launch(main, attempt, null);
        } catch (NodeStartException e) {
            String reason = e.getMessage();
            endNode(main, null, reason);
            parent.attemptEnded(null, reason, reason, pacing.now());
            endChildrenNotStarted("the main node could not start");
            return new Outcome(null, reason, reason, false);
        }
        if (stopReason != null) {
            mainContainer.stop(); // terminated while it was starting
        }
        parent.containerStarted(mainContainer.taskArn(), mainContainer.logStreamName().orElse(null), mainContainer.address());
        parent.moveTo(Status.RUNNING, null, pacing.now());
        List<Thread> children = launchChildren(attempt, mainContainer.address());
        boolean timedOut = false;
        Integer exitCode;
        long timeout = context.timeoutSeconds().orElse(0);
        if (timeout > 0) {
            Thread timer = daemon("timeout-" + parent.jobId(), () -> {
                try {
                    Thread.sleep(timeout * 1000);
                    if (!attemptOver && stopReason == null) {
                        stopReason = TIMED_OUT;
                        stopAll();
                    }
                } catch (InterruptedException e) {
                    // the attempt ended first
                }
            });
            exitCode = mainContainer.awaitExit();
            timer.interrupt();
            timedOut = TIMED_OUT.equals(stopReason);
        } else {
            exitCode = mainContainer.awaitExit();
        }
        attemptOver = true;
        String reason = stopReason != null ? stopReason : EXITED;
        endNode(main, exitCode, reason);
        parent.attemptEnded(exitCode, null, reason, pacing.now());
        // "If the main node exits, the job is considered finished and all child nodes are stopped."
        stopAll();
        for (Thread child : children) {
            child.join();
        }
        endChildrenNotStarted("the main node exited before this node started");
        return new Outcome(exitCode, null, reason, timedOut);
    }

    /** Each child on a thread of its own: in a random order, each after a random delay from the main node's start. */
    private List<Thread> launchChildren(int attempt, String mainAddress) {
        List<JobRecord> order = new ArrayList<>(nodes);
        order.remove(merge.mainNode());
        Collections.shuffle(order, random);
        List<Thread> threads = new ArrayList<>();
        for (JobRecord child : order) {
            long delay = pacing.childDelayMax().isZero() ? 0 : (long) (random.nextDouble() * pacing.childDelayMax().toMillis());
            threads.add(daemon("node-" + child.jobId(), () -> runChild(child, attempt, mainAddress, delay)));
        }
        return threads;
    }

    private void runChild(JobRecord child, int attempt, String mainAddress, long delay) {
        try {
            Thread.sleep(delay);
            if (attemptOver || stopReason != null) {
                return;
            }
            RunningNode container = launch(child, attempt, mainAddress);
            if (attemptOver || stopReason != null) {
                container.stop();
            }
            endNode(child, container.awaitExit(), attemptOver ? "the main node exited" : EXITED);
        } catch (NodeStartException e) {
            endNode(child, null, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private RunningNode launch(JobRecord node, int attempt, String mainAddress) {
        int index = node.nodeIndex().orElseThrow();
        node.moveTo(Status.STARTING, null, pacing.now());
        NodeLaunch launch = new NodeLaunch(parent.jobId(), context.definitionName(), index, attempt,
                merge.containers().get(index), environment(index, attempt, mainAddress));
        RunningNode container = runtime.start(launch);
        running.put(index, container);
        node.containerStarted(container.taskArn(), container.logStreamName().orElse(null), container.address());
        node.moveTo(Status.RUNNING, null, pacing.now());
        LOG.info("[job={}, node={}] running at {} (attempt {})", parent.jobId(), index, container.address(), attempt);
        return container;
    }

    /**
     * What the node's container is given: the merged environment of its node range and overrides, then Batch's own
     * variables (user guide, "Multi-node parallel job environment variables"): AWS_BATCH_JOB_ID as {@code parent#index},
     * the main node's address on child nodes only. Nothing else (no region, no credentials as variables).
     */
    Map<String, String> environment(int index, int attempt, String mainAddress) {
        Map<String, String> env = new LinkedHashMap<>(JobMerge.environment(merge.containers().get(index)));
        env.put("AWS_BATCH_JOB_ID", parent.jobId() + "#" + index);
        env.put("AWS_BATCH_JOB_ATTEMPT", Integer.toString(attempt));
        env.put("AWS_BATCH_JOB_NODE_INDEX", Integer.toString(index));
        env.put("AWS_BATCH_JOB_NUM_NODES", Integer.toString(merge.numNodes()));
        env.put("AWS_BATCH_JOB_MAIN_NODE_INDEX", Integer.toString(merge.mainNode()));
        if (index != merge.mainNode()) {
            env.put("AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS", mainAddress);
        }
        env.put("AWS_BATCH_CE_NAME", context.ceName());
        env.put("AWS_BATCH_JQ_NAME", context.queueName());
        return env;
    }

    /** "Each node moves to SUCCEEDED or FAILED depending on its exit code when it exits" (user guide, job lifecycle). */
    private void endNode(JobRecord node, Integer exitCode, String reason) {
        node.attemptEnded(exitCode, null, reason, pacing.now());
        node.moveTo(exitCode != null && exitCode == 0 ? Status.SUCCEEDED : Status.FAILED, reason, pacing.now());
    }

    private void endChildrenNotStarted(String reason) {
        for (JobRecord node : nodes) {
            if (!node.status().isFinal() && !running.containsKey(node.nodeIndex().orElseThrow())) {
                endNode(node, null, reason);
            }
        }
    }

    private void stopAll() {
        running.values().forEach(RunningNode::stop);
    }

    private void finish(Status status, String reason) {
        parent.moveTo(status, reason, pacing.now());
        for (JobRecord node : nodes) {
            node.moveTo(Status.FAILED, reason, pacing.now());
        }
    }
}

package dev.mpibatch.testkit.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One job as Batch describes it: a multi-node parent, or one of its node jobs ({@code parent#N}). What was submitted
 * is fixed ({@code submitted}: name, queue, definition, overrides as shown, tags...); status, times and attempts
 * change under this record's lock, and only as {@link Status#canMoveTo} allows.
 */
final class JobRecord {
    private final String jobId;
    private final ObjectNode submitted;
    private final Integer nodeIndex;
    private final boolean mainNode;
    private final long createdAt;
    private Status status = Status.SUBMITTED;
    private String statusReason;
    private Long startedAt;
    private Long stoppedAt;
    private boolean cancelled;
    private boolean terminated;
    private ObjectNode container;
    private final List<ObjectNode> attempts = new ArrayList<>();
    private ObjectNode currentAttempt;

    /**
     * @param submitted the fixed members of its DescribeJobs answer (jobArn, jobName, jobQueue, jobDefinition...)
     * @param nodeIndex the node's index for a node job, null for a parent
     */
    JobRecord(String jobId, ObjectNode submitted, Integer nodeIndex, boolean mainNode, long createdAt) {
        this.jobId = jobId;
        this.submitted = submitted.deepCopy();
        this.nodeIndex = nodeIndex;
        this.mainNode = mainNode;
        this.createdAt = createdAt;
    }

    String jobId() {
        return jobId;
    }

    Optional<Integer> nodeIndex() {
        return Optional.ofNullable(nodeIndex);
    }

    boolean isMainNode() {
        return mainNode;
    }

    long createdAt() {
        return createdAt;
    }

    /** A fixed member of the submission (jobName, jobQueue, jobDefinition, shareIdentifier...), or "". */
    String submittedText(String member) {
        return submitted.path(member).asText("");
    }

    synchronized Status status() {
        return status;
    }

    synchronized boolean isCancelled() {
        return cancelled;
    }

    synchronized boolean isTerminated() {
        return terminated;
    }

    /**
     * Moves to {@code next} at {@code now}; returns false (and changes nothing) when the move is not allowed, e.g.
     * because the job ended meanwhile. RUNNING sets startedAt once per attempt, a final status sets stoppedAt.
     */
    synchronized boolean moveTo(Status next, String reason, long now) {
        if (!status.canMoveTo(next)) {
            return false;
        }
        status = next;
        if (reason != null) {
            statusReason = reason;
        }
        if (next == Status.RUNNING) {
            startedAt = now;
            if (currentAttempt != null) {
                currentAttempt.put("startedAt", now);
            }
        }
        if (next.isFinal()) {
            stoppedAt = now;
        }
        return true;
    }

    /**
     * A node job back to RUNNABLE for its parent's next attempt, whatever it ended with: "Each new attempt of a
     * multi-node parallel job updates the corresponding attempt of its associated child nodes" (Batch user guide,
     * "Multi-node parallel jobs").
     */
    synchronized void reopen() {
        status = Status.RUNNABLE;
        statusReason = null;
        startedAt = null;
        stoppedAt = null;
    }

    /** Marks how the job ended when a user stopped it (DescribeJobs' isCancelled and isTerminated). */
    synchronized void markStopped(boolean byCancel) {
        if (byCancel) {
            cancelled = true;
        } else {
            terminated = true;
        }
    }

    /** The container a node job runs (its merged properties), as DescribeJobs shows it. */
    synchronized void container(ObjectNode properties) {
        container = properties.deepCopy();
    }

    /** Starts the record of a new attempt; its container details are filled in as the container runs. */
    synchronized void beginAttempt() {
        currentAttempt = attempts.isEmpty() || attempts.get(attempts.size() - 1).has("stoppedAt")
                ? newAttempt() : attempts.get(attempts.size() - 1);
        startedAt = null;
        stoppedAt = null;
        if (container != null) {
            for (String member : new String[] {"exitCode", "reason", "logStreamName", "networkInterfaces", "taskArn"}) {
                container.remove(member);
            }
        }
    }

    private ObjectNode newAttempt() {
        ObjectNode attempt = submitted.objectNode();
        attempt.putObject("container");
        attempts.add(attempt);
        return attempt;
    }

    /** What the attempt's container is: its task, log stream and address (AttemptContainerDetail). */
    synchronized void containerStarted(String taskArn, String logStreamName, String address) {
        if (currentAttempt == null) {
            beginAttempt();
        }
        ObjectNode c = (ObjectNode) currentAttempt.get("container");
        c.put("taskArn", taskArn);
        if (logStreamName != null) {
            c.put("logStreamName", logStreamName);
        }
        c.putArray("networkInterfaces").addObject().put("privateIpv4Address", address);
        if (container != null) {
            container.put("taskArn", taskArn);
            if (logStreamName != null) {
                container.put("logStreamName", logStreamName);
            }
            container.set("networkInterfaces", c.get("networkInterfaces").deepCopy());
        }
    }

    /** How the attempt's container ended: its exit code (none if it never ran) and reason, at {@code now}. */
    synchronized void attemptEnded(Integer exitCode, String reason, String attemptReason, long now) {
        if (currentAttempt == null) {
            beginAttempt();
        }
        ObjectNode c = (ObjectNode) currentAttempt.get("container");
        if (exitCode != null) {
            c.put("exitCode", exitCode);
        }
        if (reason != null) {
            c.put("reason", reason);
        }
        currentAttempt.put("stoppedAt", now);
        if (!currentAttempt.has("startedAt")) {
            currentAttempt.put("startedAt", now);
        }
        currentAttempt.put("statusReason", attemptReason);
        if (container != null) {
            if (exitCode != null) {
                container.put("exitCode", exitCode);
            }
            if (reason != null) {
                container.put("reason", reason);
            }
        }
    }

    /** The exit code of the last attempt's container, if it had one. */
    synchronized Optional<Integer> lastExitCode() {
        if (attempts.isEmpty() || !attempts.get(attempts.size() - 1).path("container").has("exitCode")) {
            return Optional.empty();
        }
        return Optional.of(attempts.get(attempts.size() - 1).path("container").path("exitCode").asInt());
    }

    synchronized int attemptCount() {
        return attempts.size();
    }

    /** The job as DescribeJobs answers it (JobDetail). */
    synchronized ObjectNode detail() {
        ObjectNode d = submitted.deepCopy();
        d.put("jobId", jobId);
        d.put("status", status.name());
        if (statusReason != null) {
            d.put("statusReason", statusReason);
        }
        d.put("createdAt", createdAt);
        // The model lists startedAt as required, but Batch leaves it out until the job has run.
        if (startedAt != null) {
            d.put("startedAt", startedAt);
        }
        if (stoppedAt != null) {
            d.put("stoppedAt", stoppedAt);
        }
        ArrayNode list = d.putArray("attempts");
        attempts.stream().filter(a -> a.has("stoppedAt")).forEach(a -> list.add(a.deepCopy()));
        if (container != null) {
            d.set("container", container.deepCopy());
        }
        if (nodeIndex != null) {
            d.putObject("nodeDetails").put("nodeIndex", nodeIndex).put("isMainNode", mainNode);
        }
        d.put("isCancelled", cancelled);
        d.put("isTerminated", terminated);
        return d;
    }

    /** The job as ListJobs answers it (JobSummary). */
    synchronized ObjectNode summary(int numNodes) {
        ObjectNode s = submitted.objectNode();
        s.put("jobArn", submitted.path("jobArn").asText());
        s.put("jobId", jobId);
        s.put("jobName", submitted.path("jobName").asText());
        s.put("createdAt", createdAt);
        s.put("status", status.name());
        if (statusReason != null) {
            s.put("statusReason", statusReason);
        }
        if (startedAt != null) {
            s.put("startedAt", startedAt);
        }
        if (stoppedAt != null) {
            s.put("stoppedAt", stoppedAt);
        }
        lastExitCode().ifPresent(code -> s.putObject("container").put("exitCode", code));
        ObjectNode nodes = s.putObject("nodeProperties");
        if (nodeIndex != null) {
            nodes.put("isMainNode", mainNode).put("nodeIndex", nodeIndex);
        } else {
            nodes.put("numNodes", numNodes);
        }
        s.put("jobDefinition", submitted.path("jobDefinition").asText());
        return s;
    }
}

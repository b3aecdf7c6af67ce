package dev.mpibatch.agent;

import java.util.Map;
import java.util.Objects;

/**
 * Who this node is, read once from the environment AWS Batch gives every node of a multi-node job.
 *
 * @param index          this node's index
 * @param mainIndex      the main node's index
 * @param numNodes       how many nodes the job has
 * @param jobId          the multi-node job id, without the {@code #index} suffix Batch adds inside a node
 * @param attempt        the attempt, from 1
 */
public record NodeEnvironment(int index, int mainIndex, int numNodes, String jobId, int attempt) {

    public NodeEnvironment {
        Objects.requireNonNull(jobId, "jobId");
    }

    /** Whether this node runs the plan. */
    public boolean isMain() {
        return index == mainIndex;
    }

    /**
     * Reads the {@code AWS_BATCH_*} variables from {@code env}.
     *
     * @throws IllegalArgumentException naming the variable that is missing or wrong, and what it should hold
     */
    public static NodeEnvironment from(Map<String, String> env) {
        int numNodes = positive(env, AgentEnv.NUM_NODES);
        int index = indexBelow(env, AgentEnv.NODE_INDEX, numNodes);
        int mainIndex = indexBelow(env, AgentEnv.MAIN_NODE_INDEX, numNodes);
        String rawId = required(env, AgentEnv.JOB_ID);
        int hash = rawId.indexOf('#');
        String jobId = hash >= 0 ? rawId.substring(0, hash) : rawId;
        if (jobId.isBlank() || !jobId.matches("[A-Za-z0-9_.:-]+")) {
            throw new IllegalArgumentException(AgentEnv.JOB_ID + "='" + rawId
                    + "' is not a job id: expected letters, digits, '-', '_', '.', ':' with an optional '#<index>'");
        }
        String attemptText = env.get(AgentEnv.JOB_ATTEMPT);
        int attempt = attemptText == null || attemptText.isBlank() ? 1 : positive(env, AgentEnv.JOB_ATTEMPT);
        return new NodeEnvironment(index, mainIndex, numNodes, jobId, attempt);
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " is not set: the node agent runs as the entrypoint of an "
                    + "AWS Batch multi-node job, or under 'mpi-batch local', which set it");
        }
        return value.trim();
    }

    private static int integer(Map<String, String> env, String name) {
        String value = required(env, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "='" + value + "' is not a whole number", e);
        }
    }

    private static int positive(Map<String, String> env, String name) {
        int value = integer(env, name);
        if (value < 1) {
            throw new IllegalArgumentException(name + "=" + value + " must be at least 1");
        }
        return value;
    }

    private static int indexBelow(Map<String, String> env, String name, int numNodes) {
        int value = integer(env, name);
        if (value < 0 || value >= numNodes) {
            throw new IllegalArgumentException(name + "=" + value + " is out of range: it must be from 0 to "
                    + (numNodes - 1) + " because " + AgentEnv.NUM_NODES + "=" + numNodes);
        }
        return value;
    }
}

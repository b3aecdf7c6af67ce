package dev.mpibatch.agent;

/**
 * Names of the environment variables the agent reads: Batch's own and mpi-batch's.
 * Part of the launcher/agent contract: the launcher (and the local cluster) set exactly these.
 */
public final class AgentEnv {
    // Set by AWS Batch on every node of a multi-node parallel job.
    public static final String NODE_INDEX = "AWS_BATCH_JOB_NODE_INDEX";
    public static final String MAIN_NODE_INDEX = "AWS_BATCH_JOB_MAIN_NODE_INDEX";
    public static final String NUM_NODES = "AWS_BATCH_JOB_NUM_NODES";
    public static final String JOB_ID = "AWS_BATCH_JOB_ID";
    public static final String JOB_ATTEMPT = "AWS_BATCH_JOB_ATTEMPT";
    public static final String MAIN_NODE_ADDRESS = "AWS_BATCH_JOB_MAIN_NODE_PRIVATE_IPV4_ADDRESS";

    // Set by the mpi-batch launcher.
    /** Where the plan is: {@code s3://bucket/key} or a local file path. */
    public static final String PLAN = "MPI_BATCH_PLAN";
    /** Root of the rendezvous: {@code s3://bucket/prefix} or a local directory; the attempt scope is appended. */
    public static final String RENDEZVOUS = "MPI_BATCH_RENDEZVOUS";
    /** S3 endpoint override (a local S3 server); path-style addressing is used with it. */
    public static final String S3_ENDPOINT = "MPI_BATCH_S3_ENDPOINT";
    /** Where staged files are: {@code s3://bucket/prefix/files/}, or a local directory. Optional. */
    public static final String FILES = "MPI_BATCH_FILES";
    /** The port this node's sshd listens on; default {@link AgentSettings#DEFAULT_SSH_PORT}. */
    public static final String SSH_PORT = "MPI_BATCH_SSH_PORT";
    /** The node's cluster address, when it must not be discovered (loopback clusters). */
    public static final String ADDRESS = "MPI_BATCH_ADDRESS";
    /** The cluster's subnet (CIDR) for picking the interface and restricting MPI's TCP. Optional. */
    public static final String SUBNET = "MPI_BATCH_SUBNET";
    /** The agent's private state directory (keys, sshd config, hostfile): the same path on every node. */
    public static final String STATE_DIR = "MPI_BATCH_STATE_DIR";
    /** Overrides the plan's working directory. */
    public static final String WORK_DIR = "MPI_BATCH_WORK_DIR";
    /** Overrides the plan's slots per node. */
    public static final String SLOTS = "MPI_BATCH_SLOTS";
    /** "true": keep the rendezvous objects at the end (for debugging). */
    public static final String KEEP_RENDEZVOUS = "MPI_BATCH_KEEP_RENDEZVOUS";
    /** "true": all nodes share one file system (loopback cluster), so broadcast has nothing to copy. */
    public static final String SHARED_FS = "MPI_BATCH_SHARED_FS";
    /** Overrides the plan's formation timeout (e.g. {@code 30s}). */
    public static final String FORMATION_TIMEOUT = "MPI_BATCH_FORMATION_TIMEOUT";

    /**
     * Files up to this many bytes are broadcast along a tree, larger ones along chains (default
     * {@code Broadcaster.DEFAULT_TREE_MAX_BYTES}); a faster network moves the crossover up.
     */
    public static final String BROADCAST_TREE_MAX = "MPI_BATCH_BROADCAST_TREE_MAX";

    // Set by the agent for the programs of the plan's sh steps.
    /**
     * The main node's control socket, where {@code mpi-batch-node} and the {@code mpi_batch} Python module ask for
     * steps while an {@code sh} step runs (see {@code dev.mpibatch.agent.control.ControlServer}).
     */
    public static final String CONTROL = "MPI_BATCH_CONTROL";

    private AgentEnv() {
    }
}

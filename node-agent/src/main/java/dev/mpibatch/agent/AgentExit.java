package dev.mpibatch.agent;

/**
 * The agent's exit codes, the node's result on Batch and in {@code mpi-batch local}. A failing step's exit code is
 * passed through, except 2, 3 and 4, which would read as the agent's own (and the CLI's: bad input, no cluster, a
 * bug): those are reported as {@link #FAILED}, and the agent's log names the step's own code.
 */
public final class AgentExit {
    public static final int OK = 0;
    /** The plan failed without an exit code of its own (e.g. a broadcast failed). */
    public static final int FAILED = 1;
    /** Bad settings or plan: fix the input. */
    public static final int BAD_INPUT = 2;
    /** The cluster did not form: a node never registered, S3 failed, sshd did not start. */
    public static final int FORMATION_FAILED = 3;
    /** A bug in the agent. */
    public static final int INTERNAL = 4;

    private AgentExit() {
    }

    /** The agent's exit code for a plan whose failing step exited with {@code stepCode} (0: the plan succeeded). */
    public static int ofStep(int stepCode) {
        return stepCode >= BAD_INPUT && stepCode <= INTERNAL ? FAILED : stepCode;
    }
}

package dev.mpibatch.agent;

/** The agent's own exit codes. A failing step's exit code is passed through as it is. */
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
}

package dev.mpibatch.local;

/** Starts the agent of one host of a local cluster: a process in namespaces or on loopback, or a container. */
interface NodeStarter {
    /**
     * Starts host {@code host}'s agent; its output is copied to the run's, each line prefixed with the node.
     * The main node (index 0) is started first; when this returns for it, the children can be started.
     */
    Process start(Host host, Runnable beforeOutputLine);

    /** Waits (bounded) for the output of the agents to be copied out completely. */
    void drainOutput();
}

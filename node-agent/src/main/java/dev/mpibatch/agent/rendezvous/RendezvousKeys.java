package dev.mpibatch.agent.rendezvous;

/**
 * The layout of a rendezvous scope ({@code <root>/<jobId>/attempt-<n>/}); part of the launcher/agent contract.
 */
public final class RendezvousKeys {
    public static final String NODES_PREFIX = "nodes/";
    public static final String READY_PREFIX = "ready/";
    public static final String BUNDLES_PREFIX = "bundles/";
    public static final String DONE = "done.json";

    private RendezvousKeys() {
    }

    /** The scope of one attempt below a root prefix: a retry never sees an older attempt's state. */
    public static String scope(String jobId, int attempt) {
        return jobId + "/attempt-" + attempt + "/";
    }

    public static String node(int index) {
        return NODES_PREFIX + index + ".json";
    }

    public static String bundle(int index) {
        return BUNDLES_PREFIX + index + ".json";
    }

    public static String ready(int index) {
        return READY_PREFIX + index;
    }
}

package dev.mpibatch.agent.rendezvous;

/**
 * The layout of a rendezvous scope ({@code <root>/<jobId>/attempt-<n>/}); part of the launcher/agent contract.
 */
public final class RendezvousKeys {
    public static final String NODES_PREFIX = "nodes/";
    public static final String READY_PREFIX = "ready/";
    public static final String BUNDLES_PREFIX = "bundles/";
    public static final String DONE = "done.json";
    private static final String DUPLICATE_MARK = ".duplicate-";

    private RendezvousKeys() {
    }

    /** The scope of one attempt below a root prefix: a retry never sees an older attempt's state. */
    public static String scope(String jobId, int attempt) {
        return jobId + "/attempt-" + attempt + "/";
    }

    public static String node(int index) {
        return NODES_PREFIX + index + ".json";
    }

    /**
     * Where an agent that found its index already taken leaves its own record, for the main node to see and fail the
     * job: {@code nodes/<index>.json.duplicate-<id>} (not a {@code .json} key, so no reader takes it for a record).
     */
    public static String duplicate(int index, String id) {
        return node(index) + DUPLICATE_MARK + id;
    }

    /** Whether {@code key} is a {@link #duplicate(int, String)} claim. */
    public static boolean isDuplicate(String key) {
        return key.startsWith(NODES_PREFIX) && key.contains(DUPLICATE_MARK);
    }

    /** The record key a {@link #duplicate(int, String)} claim was made for, e.g. {@code nodes/3.json}. */
    public static String claimedBy(String duplicateKey) {
        return duplicateKey.substring(0, duplicateKey.indexOf(DUPLICATE_MARK));
    }

    public static String bundle(int index) {
        return BUNDLES_PREFIX + index + ".json";
    }

    public static String ready(int index) {
        return READY_PREFIX + index;
    }
}

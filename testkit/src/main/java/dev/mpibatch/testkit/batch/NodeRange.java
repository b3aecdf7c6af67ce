package dev.mpibatch.testkit.batch;

import java.util.OptionalInt;

/**
 * A {@code targetNodes} range of a job definition's node range or of a SubmitJob node override: {@code 0:3} is nodes
 * 0 to 3; "If the starting range value is omitted (:n), then 0 is used to start the range. If the ending range value
 * is omitted (n:), then the highest possible node index is used to end the range" (Batch API reference,
 * NodeRangeProperty and NodePropertyOverride). A single index {@code n} is read as {@code n:n}.
 *
 * @param from the first node
 * @param to   the last node; empty when the range is open-ended
 */
record NodeRange(int from, OptionalInt to) {

    static NodeRange parse(String text) {
        if (text == null || text.isBlank()) {
            throw BatchError.client("targetNodes is required, e.g. '0:' or '1:3'");
        }
        String t = text.strip();
        int colon = t.indexOf(':');
        try {
            if (colon < 0) {
                int only = index(t, text);
                return new NodeRange(only, OptionalInt.of(only));
            }
            String start = t.substring(0, colon);
            String end = t.substring(colon + 1);
            int from = start.isEmpty() ? 0 : index(start, text);
            OptionalInt to = end.isEmpty() ? OptionalInt.empty() : OptionalInt.of(index(end, text));
            if (to.isPresent() && to.getAsInt() < from) {
                throw BatchError.client("targetNodes '" + text + "': the range ends before it starts");
            }
            return new NodeRange(from, to);
        } catch (NumberFormatException e) {
            throw BatchError.client("targetNodes '" + text + "' is not a node range such as '0:', ':3' or '1:3'");
        }
    }

    private static int index(String part, String text) {
        int value = Integer.parseInt(part);
        if (value < 0) {
            throw BatchError.client("targetNodes '" + text + "': node indices start at 0");
        }
        return value;
    }

    boolean openEnded() {
        return to.isEmpty();
    }

    /** The last node of this range in a job of {@code numNodes} nodes. */
    int last(int numNodes) {
        return to.isPresent() ? to.getAsInt() : numNodes - 1;
    }

    boolean contains(int node, int numNodes) {
        return node >= from && node <= last(numNodes);
    }

    /** How many nodes it names in a job of {@code numNodes}: nested, narrower ranges win over wider ones. */
    int span(int numNodes) {
        return last(numNodes) - from + 1;
    }
}

package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * Labels MPICH rank output with the node the rank ran on. Hydra is asked to put {@link #PATTERN} (the rank between
 * two control characters, which no rank's text is expected to hold, unlike {@code -prepend-rank}'s {@code [3] }) before
 * every chunk a rank writes; {@link TaggedLines} puts lines cut between chunks back together. With one rank per
 * slot, Hydra fills each host's slots in hostfile order, so rank r's node follows from the slot counts.
 */
public final class MpichOutputLabeler implements OutputSink {
    /** The argument of Hydra's {@code -prepend-pattern}: SOH, the rank, STX. */
    public static final String PATTERN = "\u0001%r\u0002";
    private static final Pattern TAG = Pattern.compile("\u0001(\\d+)\u0002");

    private final OutputSink target;
    private final List<Integer> nodeOfRank = new ArrayList<>();
    private final TaggedLines lines = new TaggedLines(TAG, tag -> tag.group(1));

    public MpichOutputLabeler(Roster roster, OutputSink target) {
        this.target = target;
        for (NodeRecord node : roster.nodes()) {
            for (int slot = 0; slot < node.slots(); slot++) {
                nodeOfRank.add(node.index());
            }
        }
    }

    @Override
    public synchronized void line(String text, boolean stderr) {
        if (!lines.accept(text, stderr ? ":err" : ":out", this::emit)) {
            target.line(text, stderr);
        }
    }

    @Override
    public synchronized void end() {
        lines.end(this::emit);
        target.end();
    }

    /** @param key the rank and the stream, e.g. {@code 3:err} */
    private void emit(String key, String content) {
        int rank = Integer.parseInt(key.substring(0, key.indexOf(':')));
        String label = rank < nodeOfRank.size() ? "[node " + nodeOfRank.get(rank) + "] " : "[rank " + rank + "] ";
        target.line(label + content, key.endsWith(":err"));
    }
}

package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/**
 * Labels MPICH rank output ({@code -prepend-rank}: {@code [3] text}) with the node the rank ran on. With one rank per
 * slot, Hydra fills each host's slots in hostfile order, so rank r's node follows from the slot counts.
 */
public final class MpichOutputLabeler implements OutputSink {
    private static final Pattern PREFIX = Pattern.compile("^\\[(\\d+)] (.*)$", Pattern.DOTALL);

    private final OutputSink target;
    private final List<Integer> nodeOfRank = new ArrayList<>();

    public MpichOutputLabeler(Roster roster, OutputSink target) {
        this.target = target;
        for (NodeRecord node : roster.nodes()) {
            for (int slot = 0; slot < node.slots(); slot++) {
                nodeOfRank.add(node.index());
            }
        }
    }

    @Override
    public void line(String text, boolean stderr) {
        Matcher m = PREFIX.matcher(text);
        if (m.matches()) {
            int rank = Integer.parseInt(m.group(1));
            String label = rank < nodeOfRank.size() ? "[node " + nodeOfRank.get(rank) + "] " : "[rank " + rank + "] ";
            target.line(label + m.group(2), stderr);
        } else {
            target.line(text, stderr);
        }
    }
}

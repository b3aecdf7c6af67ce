package dev.mpibatch.agent.mpi;

import dev.mpibatch.agent.rendezvous.NodeRecord;
import dev.mpibatch.agent.rendezvous.Roster;

/** The MPI hostfile: the main node first, then the others in index order, by address. */
public final class Hostfile {
    private Hostfile() {
    }

    /** Open MPI's format: {@code addr slots=N}. */
    public static String openMpi(Roster roster) {
        StringBuilder text = new StringBuilder();
        for (NodeRecord node : roster.nodes()) {
            text.append(node.address()).append(" slots=").append(node.slots()).append('\n');
        }
        return text.toString();
    }
}

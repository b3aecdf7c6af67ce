package dev.mpibatch.agent.mpi;

import java.util.Objects;

import dev.mpibatch.agent.rendezvous.Roster;
import dev.mpibatch.agent.ssh.ClusterFiles;

/**
 * What an MPI driver needs to know about the formed cluster.
 *
 * @param roster        every node, main first
 * @param files         the SSH files and the hostfile
 * @param subnetCidr    the cluster's subnet: MPI's TCP traffic stays on it
 * @param interfaceName the cluster interface's name ({@code eth0})
 * @param root          whether the agent runs as root
 * @param oneMachine    whether all "nodes" are processes of one machine sharing a hostname (loopback cluster)
 */
public record MpiCluster(Roster roster, ClusterFiles files, String subnetCidr, String interfaceName, boolean root,
                         boolean oneMachine) {
    public MpiCluster {
        Objects.requireNonNull(roster, "roster");
        Objects.requireNonNull(files, "files");
        Objects.requireNonNull(subnetCidr, "subnetCidr");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }

    public int totalSlots() {
        return roster.nodes().stream().mapToInt(n -> n.slots()).sum();
    }
}

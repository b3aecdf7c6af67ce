package dev.mpibatch.agent.mpi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.mpibatch.agent.rendezvous.NodeRecord;

/**
 * Whether the cluster's ranks outnumber the cores of a machine they run on. A hostfile gives each node its slots, so
 * MPI believes every rank has a core of its own and busy-polls while it waits; where nodes share one machine (a
 * local cluster: every host shares this machine's cores) or a node has more slots than CPUs, the waiting ranks then
 * take the cores from the ones computing. MPI must be told to yield instead, as plain {@code mpirun} does by itself
 * when it sees the oversubscription.
 *
 * @param ranks the ranks on the most oversubscribed machine (its nodes' slots together)
 * @param cores that machine's cores
 * @param nodes the indices of the nodes on it
 */
public record SharedCores(int ranks, int cores, List<Integer> nodes) {
    public SharedCores {
        nodes = List.copyOf(nodes);
    }

    /**
     * The most oversubscribed machine, or empty when every machine has a core per rank (or its cores are unknown).
     * Nodes with the same machine id share that machine's cores: as many as the most any of them may use (each may
     * be limited to fewer by its container).
     */
    public static Optional<SharedCores> of(List<NodeRecord> nodes) {
        Map<String, List<NodeRecord>> machines = new LinkedHashMap<>();
        for (NodeRecord node : nodes) {
            String machine = node.machine().isEmpty() ? "node-" + node.index() : node.machine();
            machines.computeIfAbsent(machine, k -> new ArrayList<>()).add(node);
        }
        return machines.values().stream()
                .map(SharedCores::machine)
                .filter(m -> m.cores() > 0 && m.ranks() > m.cores())
                .max(Comparator.comparingDouble(m -> (double) m.ranks() / m.cores()));
    }

    private static SharedCores machine(List<NodeRecord> nodes) {
        int ranks = nodes.stream().mapToInt(NodeRecord::slots).sum();
        int cores = nodes.stream().mapToInt(NodeRecord::cpus).max().orElse(0);
        return new SharedCores(ranks, cores, nodes.stream().map(NodeRecord::index).toList());
    }

    /** For the log: "6 ranks on 2 cores (nodes 0, 1, 2 share one machine)". */
    public String describe() {
        String where = nodes.size() == 1 ? "node " + nodes.get(0)
                : "nodes " + String.join(", ", nodes.stream().map(String::valueOf).toList()) + " share one machine";
        return ranks + " ranks on " + cores + (cores == 1 ? " core" : " cores") + " (" + where + ")";
    }
}

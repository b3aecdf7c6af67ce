package dev.mpibatch.agent.rendezvous;

import java.util.List;
import java.util.Objects;

/**
 * Every node's record, in index order, as the main node gathered and checked them. It stays in the main node's
 * memory (hostfile, broadcast, exact host keys); workers never download it.
 *
 * @param jobId   the multi-node job id
 * @param attempt the job attempt
 * @param nodes   one record per node, {@code nodes.get(i).index() == i}
 */
public record Roster(String jobId, int attempt, List<NodeRecord> nodes) {
    public Roster {
        Objects.requireNonNull(jobId, "jobId");
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
    }

    public NodeRecord node(int index) {
        return nodes.get(index);
    }
}

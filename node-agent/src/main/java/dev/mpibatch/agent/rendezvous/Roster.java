package dev.mpibatch.agent.rendezvous;

import java.util.List;
import java.util.Objects;

/**
 * Every node's record, in index order, as the main node published it under {@code roster.json}.
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

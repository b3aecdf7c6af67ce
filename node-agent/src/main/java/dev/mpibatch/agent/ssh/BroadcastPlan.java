package dev.mpibatch.agent.ssh;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import dev.mpibatch.agent.rendezvous.NodeRecord;

/**
 * How a broadcast reaches the other nodes: the groups this node streams to (the first node of each group relays to
 * the rest of it) and how many groups each relay splits its rest into.
 *
 * <p>Small files go along a tree: this node sends to up to {@value #ROOT_DEGREE} groups at once over the connections
 * it opened when the cluster formed ({@link ClusterConnections}), and each relay to {@value #RELAY_FANOUT} more, so N
 * nodes are reached in about log N rounds, each round costing a connection rather than bytes. Large files go along
 * pipelined chains ({@code fanout} 1): each node receives the bytes once and sends them once, about one transfer's
 * time whatever the length, where a tree node would send the file {@value #RELAY_FANOUT} times over its link.
 *
 * @param groups the groups this node streams to, in roster order
 * @param fanout how many groups each relay splits the rest of its group into
 */
record BroadcastPlan(List<List<NodeRecord>> groups, int fanout) {
    /** Groups this node sends to directly: one connection each, opened when the cluster formed. */
    static final int ROOT_DEGREE = 64;
    /** A relay's children: each costs the relay one more copy of the file on its link. */
    static final int RELAY_FANOUT = 4;
    /** Nodes per chain: at 1000 nodes, 16 chains of about 63. */
    static final int MAX_CHAIN = 64;

    BroadcastPlan {
        groups = groups.stream().map(List::copyOf).toList();
    }

    /** The tree for a small file. */
    static BroadcastPlan tree(List<NodeRecord> targets) {
        return new BroadcastPlan(split(targets, Math.min(targets.size(), ROOT_DEGREE)), RELAY_FANOUT);
    }

    /** The chains for a large file. */
    static BroadcastPlan chains(List<NodeRecord> targets) {
        return new BroadcastPlan(split(targets, (targets.size() + MAX_CHAIN - 1) / MAX_CHAIN), 1);
    }

    /** Every node this node connects to directly in either plan: the ones worth a connection opened in advance. */
    static Set<NodeRecord> firstHops(List<NodeRecord> targets) {
        Set<NodeRecord> first = new LinkedHashSet<>();
        for (BroadcastPlan plan : List.of(tree(targets), chains(targets))) {
            plan.groups().forEach(group -> first.add(group.get(0)));
        }
        return first;
    }

    /** The worker-to-worker hops of the chains, {@code {from, to}}: the connections a large file's relays make. */
    static List<NodeRecord[]> chainHops(List<NodeRecord> targets) {
        List<NodeRecord[]> hops = new ArrayList<>();
        for (List<NodeRecord> chain : chains(targets).groups()) {
            for (int i = 1; i < chain.size(); i++) {
                hops.add(new NodeRecord[] {chain.get(i - 1), chain.get(i)});
            }
        }
        return hops;
    }

    /** Rounds of connections until the last node has the file: 1 for this node's own, then the relays' levels. */
    int rounds() {
        int deepest = 0;
        for (List<NodeRecord> group : groups) {
            deepest = Math.max(deepest, depth(group.size() - 1));
        }
        return 1 + deepest;
    }

    private int depth(int rest) {
        if (rest <= 0) {
            return 0;
        }
        if (fanout == 1) {
            return rest;
        }
        // The largest of the relay's groups, as the relay splits them (n*g/k boundaries).
        int k = Math.min(fanout, rest);
        int largest = (rest + k - 1) / k;
        return 1 + depth(largest - 1);
    }

    /** {@code targets} in {@code count} consecutive groups of nearly equal size (the relay splits the same way). */
    static List<List<NodeRecord>> split(List<NodeRecord> targets, int count) {
        List<List<NodeRecord>> groups = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int from = targets.size() * i / count;
            int to = targets.size() * (i + 1) / count;
            groups.add(List.copyOf(targets.subList(from, to)));
        }
        return groups;
    }
}

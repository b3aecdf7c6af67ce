package dev.mpibatch.agent.ssh;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.mpibatch.agent.rendezvous.NodeRecord;

/**
 * What the relays of one broadcast chain said: one line per node, {@code ok} or {@code failed: REASON}. A node with
 * no line never got the stream (an earlier hop broke).
 */
record ChainReport(List<NodeRecord> chain, Map<Integer, String> failures, List<Integer> verified) {
    private static final Pattern LINE = Pattern.compile("^mpi-batch-broadcast: node (\\d+): (ok|failed: (.*))$");

    ChainReport {
        chain = List.copyOf(chain);
        failures = Map.copyOf(failures);
        verified = List.copyOf(verified);
    }

    /** Reads the relays' lines out of the stderr of the ssh to the chain's first node. */
    static ChainReport parse(List<NodeRecord> chain, String stderr, int exitCode) {
        Map<Integer, String> failures = new LinkedHashMap<>();
        List<Integer> verified = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : stderr.split("\n")) {
            Matcher m = LINE.matcher(line.strip());
            if (m.matches()) {
                int index = Integer.parseInt(m.group(1));
                if (m.group(3) == null) {
                    verified.add(index);
                } else {
                    failures.put(index, m.group(3).strip());
                }
            } else if (!line.isBlank()) {
                other.add(line.strip());
            }
        }
        if (failures.isEmpty() && verified.isEmpty()) {
            // The first hop itself failed: ssh's own words say why (refused, host key, authentication).
            failures.put(chain.get(0).index(), "no answer over ssh at " + chain.get(0).address() + " port "
                    + chain.get(0).sshPort() + " (exit " + exitCode + "): " + String.join(" ", other));
        } else if (exitCode != 0 && failures.isEmpty()) {
            failures.put(chain.get(0).index(), "the relay chain exited with " + exitCode + ": " + String.join(" ", other));
        }
        return new ChainReport(chain, failures, verified);
    }

    boolean succeeded() {
        return failures.isEmpty() && verified.size() == chain.size();
    }

    /** Names each failed node with its address and reason, then the nodes the stream never reached. */
    String describe() {
        List<String> parts = new ArrayList<>();
        for (NodeRecord node : chain) {
            String reason = failures.get(node.index());
            if (reason != null) {
                parts.add("node " + node.index() + " (" + node.address() + "): " + reason);
            }
        }
        List<String> missing = chain.stream().map(NodeRecord::index)
                .filter(i -> !failures.containsKey(i) && !verified.contains(i)).map(String::valueOf).toList();
        String text = String.join("; ", parts);
        if (!missing.isEmpty()) {
            text += "; never reached (no copy there): " + (missing.size() == 1 ? "node " : "nodes ")
                    + String.join(", ", missing);
        }
        return text;
    }

    /** How many failed nodes {@link #describe()} names. */
    int failedCount() {
        return failures.size();
    }
}

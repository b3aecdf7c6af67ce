package dev.mpibatch.local;

import java.util.ArrayList;
import java.util.List;

/**
 * The network of a namespace cluster: a bridge, and per host a network namespace joined to it by a veth pair.
 * Names carry the run's id so that clean-up removes exactly what this run made. Linux limits names to 15 bytes.
 */
final class NetworkNamespaces {
    private final String id;
    private final Subnet subnet;
    private final java.util.Optional<LinkRate> linkRate;
    private final List<String> namespaces = new ArrayList<>();
    private boolean bridgeMade;

    NetworkNamespaces(String id, Subnet subnet, java.util.Optional<LinkRate> linkRate) {
        this.id = id;
        this.subnet = subnet;
        this.linkRate = linkRate;
    }

    String bridge() {
        return "mpib" + id;
    }

    static String namespace(String id, int index) {
        return "mpib-" + id + "-" + index;
    }

    /** Makes the bridge with the subnet's first address: the hosts' way to services in this namespace (a local S3). */
    void createBridge() {
        bridgeMade = true;
        Commands.run(List.of("ip", "link", "add", bridge(), "type", "bridge"));
        Commands.run(List.of("ip", "addr", "add", subnet.bridgeAddress() + "/" + subnet.prefix(), "dev", bridge()));
        Commands.run(List.of("ip", "link", "set", bridge(), "up"));
    }

    /** Makes host {@code index}'s namespace with {@code eth0} at its address and {@code lo} up. */
    String createHost(int index) {
        String ns = namespace(id, index);
        String outside = "mpib" + id + "h" + index;
        String inside = "mpib" + id + "p" + index;
        namespaces.add(ns);
        Commands.run(List.of("ip", "netns", "add", ns));
        Commands.run(List.of("ip", "link", "add", outside, "type", "veth", "peer", "name", inside));
        Commands.run(List.of("ip", "link", "set", outside, "master", bridge()));
        Commands.run(List.of("ip", "link", "set", outside, "up"));
        Commands.run(List.of("ip", "link", "set", inside, "netns", ns));
        Commands.run(List.of("ip", "-n", ns, "link", "set", inside, "name", "eth0"));
        Commands.run(List.of("ip", "-n", ns, "addr", "add", subnet.hostAddress(index) + "/" + subnet.prefix(), "dev", "eth0"));
        Commands.run(List.of("ip", "-n", ns, "link", "set", "eth0", "up"));
        Commands.run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
        // Both ends: the bridge side's egress is what the host receives, eth0's egress what it sends.
        linkRate.ifPresent(rate -> {
            Commands.run(rate.tcCommand(null, outside));
            Commands.run(rate.tcCommand(ns, "eth0"));
        });
        return ns;
    }

    /** Kills every process left in the namespaces, then removes them, their veth pairs and the bridge. */
    void destroy() {
        for (String ns : namespaces) {
            killAll(ns, "TERM");
        }
        for (String ns : namespaces) {
            if (!pids(ns).isEmpty()) {
                sleep(500);
                killAll(ns, "KILL");
            }
        }
        for (int i = 0; i < namespaces.size(); i++) {
            Commands.runQuietly(List.of("ip", "netns", "del", namespaces.get(i)));
            Commands.runQuietly(List.of("ip", "link", "del", "mpib" + id + "h" + i));
        }
        namespaces.clear();
        if (bridgeMade) {
            Commands.runQuietly(List.of("ip", "link", "del", bridge()));
            bridgeMade = false;
        }
    }

    private static void killAll(String ns, String signal) {
        List<String> pids = pids(ns);
        if (!pids.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
            command.addAll(pids);
            Commands.runQuietly(command);
        }
    }

    static List<String> pids(String ns) {
        try {
            return Commands.run(List.of("ip", "netns", "pids", ns)).lines().map(String::strip)
                    .filter(s -> !s.isEmpty()).toList();
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

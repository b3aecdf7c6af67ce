package dev.mpibatch.agent.net;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * Finds the node's cluster address. Containers on Batch have {@code eth0} (the ENI), {@code ecs-eth0} (link-local
 * 169.254.x for the agent's metadata) and {@code lo}; picking the wrong one is the classic MPI hang.
 */
public final class AddressFinder {
    private AddressFinder() {
    }

    /** The address on this machine's interfaces: in {@code subnet} when given, else the first plausible one. */
    public static ClusterAddress find(Optional<String> subnet) {
        return choose(interfaces(), subnet);
    }

    /** An address given explicitly (loopback clusters): its interface and prefix when this machine has it. */
    public static ClusterAddress forAddress(String address) {
        Ipv4.toInt(address);
        if (address.startsWith("127.")) {
            // Every 127.x address is on lo, though only 127.0.0.1 is listed: the cluster is the loopback network.
            return new ClusterAddress(address, 8, "lo");
        }
        return interfaces().stream().filter(c -> c.address().equals(address)).findFirst()
                .orElse(new ClusterAddress(address, 32, "unknown"));
    }

    /** The choice itself, over candidates read elsewhere, so it can be tested with any set of interfaces. */
    public static ClusterAddress choose(List<ClusterAddress> candidates, Optional<String> subnet) {
        if (subnet.isPresent()) {
            return candidates.stream().filter(c -> Ipv4.inSubnet(c.address(), subnet.get())).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no interface has an address in the cluster subnet "
                            + subnet.get() + "; addresses seen: " + describe(candidates)
                            + ". Check MPI_BATCH_SUBNET"));
        }
        return candidates.stream().filter(AddressFinder::plausible).findFirst()
                .orElseThrow(() -> new IllegalStateException("no interface with a cluster address; addresses seen: "
                        + describe(candidates) + ". Set MPI_BATCH_SUBNET or MPI_BATCH_ADDRESS"));
    }

    private static boolean plausible(ClusterAddress c) {
        String name = c.interfaceName();
        return !c.address().startsWith("127.") && !c.address().startsWith("169.254.")
                && !name.equals("lo") && !name.startsWith("docker") && !name.startsWith("veth")
                && !name.startsWith("br-") && !name.startsWith("ecs-");
    }

    private static String describe(List<ClusterAddress> candidates) {
        if (candidates.isEmpty()) {
            return "none";
        }
        List<String> seen = new ArrayList<>();
        candidates.forEach(c -> seen.add(c.interfaceName() + " " + c.address() + "/" + c.prefixLength()));
        return String.join(", ", seen);
    }

    private static List<ClusterAddress> interfaces() {
        List<ClusterAddress> candidates = new ArrayList<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InterfaceAddress address : nic.getInterfaceAddresses()) {
                    if (address.getAddress() instanceof Inet4Address ipv4) {
                        candidates.add(new ClusterAddress(ipv4.getHostAddress(), address.getNetworkPrefixLength(),
                                nic.getName()));
                    }
                }
            }
        } catch (SocketException e) {
            throw new IllegalStateException("cannot list network interfaces: " + e.getMessage(), e);
        }
        return candidates;
    }
}

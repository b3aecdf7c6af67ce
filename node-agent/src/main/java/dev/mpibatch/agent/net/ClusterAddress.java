package dev.mpibatch.agent.net;

import java.util.Objects;

/**
 * The address a node is reached at inside the cluster.
 *
 * @param address       the IPv4 address
 * @param prefixLength  the length of its network prefix
 * @param interfaceName the interface that has it ({@code eth0})
 */
public record ClusterAddress(String address, int prefixLength, String interfaceName) {
    public ClusterAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(interfaceName, "interfaceName");
    }

    /** The network in CIDR notation, e.g. {@code 10.213.0.0/24}: where MPI's TCP traffic must stay. */
    public String subnetCidr() {
        int bits = Ipv4.toInt(address);
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        return Ipv4.toText(bits & mask) + "/" + prefixLength;
    }
}

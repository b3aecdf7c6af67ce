package dev.mpibatch.local;

import dev.mpibatch.agent.net.Ipv4;

/**
 * The private subnet of a namespace cluster: the bridge takes the first host address, hosts take the next ones.
 *
 * @param network the network address
 * @param prefix  the prefix length
 */
record Subnet(int network, int prefix) {

    static Subnet parse(String cidr) {
        String[] parts = cidr.split("/");
        try {
            if (parts.length != 2) {
                throw new IllegalArgumentException();
            }
            int prefix = Integer.parseInt(parts[1]);
            if (prefix < 8 || prefix > 30) {
                throw new IllegalArgumentException("--subnet " + cidr + ": use a prefix length from 8 to 30");
            }
            int mask = -1 << (32 - prefix);
            return new Subnet(Ipv4.toInt(parts[0]) & mask, prefix);
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("--subnet")) {
                throw e;
            }
            throw new IllegalArgumentException("--subnet '" + cidr + "' is not a subnet: use CIDR notation, e.g. 10.213.0.0/24");
        }
    }

    /** How many hosts fit besides the bridge (network, bridge and broadcast addresses excluded). */
    int capacity() {
        return (1 << (32 - prefix)) - 3;
    }

    String bridgeAddress() {
        return Ipv4.toText(network + 1);
    }

    String hostAddress(int index) {
        if (index < 0 || index >= capacity()) {
            throw new IllegalArgumentException("subnet " + cidr() + " has room for " + capacity() + " hosts, not "
                    + (index + 1) + ": choose a larger one with --subnet");
        }
        return Ipv4.toText(network + 2 + index);
    }

    String cidr() {
        return Ipv4.toText(network) + "/" + prefix;
    }
}
